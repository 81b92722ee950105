import { BLOCKING_PACKAGES, CHILD_PROCESS_FIX, SYNC_CHILD_PROCESS, message } from '../messages.mjs';
import { builtinName, keyName, requiredModule, staticString } from './util.mjs';

// R1.1/R2.2/R2.3: packages that block or re-enter the loop, and the synchronous child_process
// functions. Unlike core no-restricted-imports this also sees require() and import(), and each
// message carries the package's own fix. The dependency-tree check (scripts/check-loop.mjs) finds
// the same packages when they come in transitively.

function blockingPackage(source) {
  if (typeof source !== 'string') return null;
  for (const name of Object.keys(BLOCKING_PACKAGES)) {
    if (source === name || source.startsWith(`${name}/`)) return name;
  }
  return null;
}

const isChildProcess = (source) => builtinName(source) === 'child_process';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow packages and child_process functions that block the event loop' },
    schema: [],
    messages: {
      package: '{{text}}',
      childProcess: message('R2.3', "'{{name}}' from child_process blocks the loop until the child exits", CHILD_PROCESS_FIX),
    },
  },
  create(context) {
    const requireNames = new Set(); // locals bound to createRequire(...): the file's own require
    function checkSource(node, source) {
      const name = blockingPackage(source);
      if (!name) return;
      const [id, what, fix] = BLOCKING_PACKAGES[name];
      context.report({ node, messageId: 'package', data: { text: message(id, `'${name}' ${what}`, fix) } });
    }
    function checkChildProcessName(node, name) {
      if (SYNC_CHILD_PROCESS.includes(name)) context.report({ node, messageId: 'childProcess', data: { name } });
    }
    return {
      ImportDeclaration(node) {
        if (node.importKind === 'type') return; // erased at compile time
        checkSource(node.source, node.source.value);
        if (!isChildProcess(node.source.value)) return;
        for (const spec of node.specifiers) {
          if (spec.type !== 'ImportSpecifier' || spec.importKind === 'type') continue;
          checkChildProcessName(spec, spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value);
        }
      },
      'ExportNamedDeclaration[source], ExportAllDeclaration'(node) {
        if (node.exportKind === 'type') return;
        checkSource(node.source, node.source.value);
        if (isChildProcess(node.source.value)) {
          for (const spec of node.specifiers ?? []) checkChildProcessName(spec, spec.local.name ?? spec.local.value);
        }
      },
      ImportExpression(node) {
        checkSource(node.source, staticString(node.source));
      },
      // createRequire(import.meta.url)('deasync'), or a `req` bound to createRequire(...)
      'CallExpression[callee.type="CallExpression"][callee.callee.name="createRequire"]'(node) {
        checkSource(node.arguments[0] ?? node, staticString(node.arguments[0]));
      },
      'VariableDeclarator[id.type="Identifier"][init.type="CallExpression"][init.callee.name="createRequire"]'(node) {
        if (node.id.name !== 'require') requireNames.add(node.id.name);
      },
      'CallExpression[callee.type="Identifier"]'(node) {
        if (requireNames.has(node.callee.name)) checkSource(node.arguments[0] ?? node, staticString(node.arguments[0]));
      },
      'CallExpression[callee.type="Identifier"][callee.name="require"]'(node) {
        const source = staticString(node.arguments[0]);
        checkSource(node.arguments[0] ?? node, source);
        if (!isChildProcess(source)) return;
        // const { execSync } = require('child_process') / require('child_process').execSync
        const parent = node.parent;
        if (parent.type === 'VariableDeclarator' && parent.id.type === 'ObjectPattern') {
          for (const prop of parent.id.properties) checkChildProcessName(prop, keyName(prop));
        } else if (parent.type === 'MemberExpression' && parent.object === node) {
          checkChildProcessName(parent, parent.computed ? staticString(parent.property) : parent.property.name);
        }
      },
      // const { execSync } = await import('node:child_process')
      'VariableDeclarator > ObjectPattern.id'(node) {
        const init = node.parent.init;
        if (init?.type !== 'AwaitExpression' || !isChildProcess(requiredModule(init))) return;
        for (const prop of node.properties) checkChildProcessName(prop, keyName(prop));
      },
    };
  },
};
