import { message } from '../messages.mjs';
import { calleeOrigin, typeInfo } from './resolve.mjs';
import { propertyName } from './util.mjs';

// R1.2: the composition root (src/main.* by default) is the one place that starts serving. A `listen()`
// elsewhere (a plugin, a route module, a test helper imported by the service) opens a second
// port that graceful shutdown does not know about; so does a second server created with
// http/https/http2/net createServer. With type information, createServer is resolved by meaning;
// `listen` is matched by name on any object (Fastify, node:http, Express, Hono's serve()).

const SERVER_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls']);

export default {
  meta: {
    type: 'problem',
    docs: { description: 'allow listen() and server creation only in the composition root' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      listen: message('R1.2', 'listen() outside the composition root opens a port that graceful shutdown does not own', 'build the app here and call listen() in {{root}}'),
      server: message('R1.2', "a second server ({{name}}) outside the composition root", 'serve through the one app that {{root}} starts (a Fastify route or plugin), or create it in {{root}} and close it on shutdown'),
    },
  },
  create(context) {
    // the file(s) the config names as the composition root, for the fix text
    const root = context.options[0]?.root ?? 'src/main.*';
    const report = (descriptor) => context.report({ ...descriptor, data: { ...descriptor.data, root } });
    const info = typeInfo(context);
    return {
      CallExpression(node) {
        if (node.callee.type === 'MemberExpression' && propertyName(node.callee) === 'listen') {
          report({ node, messageId: 'listen' });
          return;
        }
        if (!info) return;
        const origin = calleeOrigin(info, node);
        if (origin?.node && SERVER_MODULES.has(origin.module) && /^create(Secure)?Server$/.test(origin.name ?? '')) {
          report({ node, messageId: 'server', data: { name: `${origin.module}.${origin.name}` } });
        }
      },
    };
  },
};
