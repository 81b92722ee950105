import { isDeclaredInProject } from './rules/util.mjs';

/**
 * Re-exports a rule of another plugin (typescript-eslint, eslint-plugin-n, ESLint core) under
 * `loopsvc/`, with the same options and behaviour, but with messages that name the RULEBOOK id
 * and the fix. ESLint reads a report's text from the meta.messages of the rule it ran, so only
 * the messages change (`fixes` by messageId where one fix does not fit all); `suggestions` keep
 * their own wording. `keep(descriptor, context)` may drop
 * a report.
 */
export function wrapRule(rule, { id, fix, fixes = {}, suggestions = [], keep }) {
  const messages = Object.fromEntries(
    Object.entries(rule.meta.messages).map(([key, text]) => [
      key,
      suggestions.includes(key) ? text : `${id}: ${text.replace(/\.$/, '')}. Fix: ${fixes[key] ?? fix}.`,
    ]),
  );
  return {
    ...rule,
    meta: { ...rule.meta, messages },
    create(context) {
      if (!keep) return rule.create(context);
      // The rule context is frozen; a child object overrides only `report`.
      const filtered = Object.create(context, {
        report: { value: (descriptor) => (keep(descriptor, context) ? context.report(descriptor) : undefined) },
      });
      return rule.create(filtered);
    },
  };
}

/**
 * n/no-sync goes by the `Sync` suffix alone. With type information, a call whose function is
 * declared in the project's own source (a user's `parseSync()` with no I/O) is not a Node sync
 * API: drop it. Any blocking call inside that function is reported where it is made.
 */
export function notUserDefined(descriptor, context) {
  const node = descriptor.node;
  const identifier = node.type === 'MemberExpression' ? node.property : node.type === 'CallExpression' ? node.callee : null;
  if (!identifier || identifier.type !== 'Identifier') return true;
  return !isDeclaredInProject(context, identifier);
}
