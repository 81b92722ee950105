import { message } from '../messages.mjs';
import { runsAtStartup } from './phase.mjs';
import { typeInfo } from './resolve.mjs';
import { isDeclaredInProject, keyName, propertyName } from './util.mjs';

// R2.3: the ways a synchronous API escapes n/no-sync, which only looks at the called name:
//   const { readFileSync: read } = fs; read(p)        (alias by destructuring)
//   import { readFileSync as read } from 'node:fs'     (alias by import)
//   fs['readFileSync'](p)                              (computed access)
//   const read = fs.readFileSync; items.map(fs.statSync) (the function taken as a value)
// Used where there is no type information (plain JavaScript). Calls through an alias are
// reported at the call, and only where they can run while serving (./phase.mjs), like n/no-sync.
// (The `allowAtRootLevel` option is accepted for older configs; the phase decides.)

const SYNC = /Sync$/;
const FIX = 'use the promise API (node:fs/promises, util.promisify, async zlib/crypto), or move the read to module top level of src/config.* / src/startup/**';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow *Sync APIs reached through aliases, computed access or as values' },
    schema: [{ type: 'object', properties: { allowAtRootLevel: { type: 'boolean' } }, additionalProperties: false }],
    messages: {
      alias: message('R2.3', "'{{local}}' is '{{name}}', a synchronous call that blocks the loop", FIX),
      computed: message('R2.3', "computed access to '{{name}}' hides a synchronous call from n/no-sync", FIX),
      value: message('R2.3', "'{{name}}' taken as a value is still a synchronous call that blocks the loop", FIX),
    },
  },
  create(context) {
    if (typeInfo(context)) return {}; // loopsvc/no-blocking-call resolves every form by meaning
    const allowed = (node) => runsAtStartup(context, node);
    const { sourceCode } = context;

    /** Report each call made through a binding whose local name hides the *Sync suffix. */
    function reportAliasCalls(declaringNode, name, local) {
      for (const variable of sourceCode.getDeclaredVariables(declaringNode)) {
        if (variable.name !== local || SYNC.test(local)) continue; // n/no-sync sees calls by a *Sync name
        for (const ref of variable.references) {
          const id = ref.identifier;
          const call = id.parent;
          if (call.type !== 'CallExpression' || call.callee !== id || allowed(call)) continue;
          context.report({ node: call, messageId: 'alias', data: { local: variable.name, name } });
        }
      }
    }

    return {
      ImportSpecifier(node) {
        const imported = node.imported.type === 'Identifier' ? node.imported.name : node.imported.value;
        if (SYNC.test(imported) && node.importKind !== 'type') reportAliasCalls(node, imported, node.local.name);
      },
      'VariableDeclarator > ObjectPattern.id'(pattern) {
        for (const prop of pattern.properties) {
          const name = keyName(prop);
          if (name && SYNC.test(name) && prop.value.type === 'Identifier' && prop.value.name !== name) {
            reportAliasCalls(pattern.parent, name, prop.value.name);
          }
        }
      },
      MemberExpression(node) {
        const name = propertyName(node);
        if (!name || !SYNC.test(name) || allowed(node)) return;
        if (node.computed) {
          context.report({ node, messageId: 'computed', data: { name } });
          return;
        }
        const parent = node.parent;
        const called = (parent.type === 'CallExpression' && parent.callee === node) || parent.type === 'MemberExpression';
        const assignedTo = parent.type === 'AssignmentExpression' && parent.left === node;
        const typeofCheck = parent.type === 'UnaryExpression' && parent.operator === 'typeof';
        if (called || assignedTo || typeofCheck) return;
        if (isDeclaredInProject(context, node.property)) return;
        context.report({ node, messageId: 'value', data: { name } });
      },
    };
  },
};
