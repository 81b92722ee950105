import { message } from '../messages.mjs';
import { FUNCTION_TYPES, propertyName } from './util.mjs';

// R2.1: a loop that polls a clock or a lock without awaiting is time.sleep that also burns a CPU:
// nothing else runs until it ends, so the lock can never be released by anyone else and the
// clock is all it waits for. Caught whatever the body does (a counter, a re-read clock):
//   - the loop's exit condition polls a clock (Date.now(), performance.now(), new Date(),
//     process.hrtime(), an injected `clock.now()` / `now()`, a variable re-assigned from one) or a
//     lock (Atomics.load/compareExchange/exchange, tryLock()/tryAcquire()/isLocked(), `.locked`);
//     for `while (true)` / `for (;;)` the exit conditions are the `if (…) break/return` inside;
//   - and nothing in the body awaits or yields.
// Not caught (on purpose): a time-boxed work loop whose condition also tests the work
// (`while (queue.length > 0 && Date.now() < deadline)`), and any loop that awaits.

const FIX = "await setTimeout(ms, undefined, { signal }) from 'node:timers/promises' (or wait for the event/promise that releases the lock)";
const LOOPS = new Set(['WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForOfStatement', 'ForInStatement']);
const LOCK_CALL = /^(try(Lock|Acquire)|isLocked|locked|isBusy)$/i;
const LOCK_FIELD = /^(locked|isLocked|busy|isBusy)$/;

const calleeName = (callee) => (callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null);

function isClockRead(node) {
  if (!node) return false;
  if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === 'Date') return true;
  if (node.type !== 'CallExpression') return false;
  const name = calleeName(node.callee);
  if (name === 'now' || name === 'hrtime') return true;
  if (name === 'bigint' && node.callee.type === 'MemberExpression' && node.callee.object.type === 'MemberExpression' && propertyName(node.callee.object) === 'hrtime') return true;
  if ((name === 'getTime' || name === 'valueOf') && node.callee.type === 'MemberExpression') return isClockRead(node.callee.object);
  return false;
}

function isLockRead(node) {
  if (node?.type === 'CallExpression') {
    const callee = node.callee;
    const name = calleeName(callee);
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'Atomics') {
      return ['load', 'compareExchange', 'exchange'].includes(name);
    }
    return Boolean(name && LOCK_CALL.test(name));
  }
  return node?.type === 'MemberExpression' && LOCK_FIELD.test(propertyName(node) ?? '');
}

/** Walks `node` (not into nested functions) and returns true when `test(n)` holds for some n. */
function some(node, test) {
  if (!node || typeof node.type !== 'string') return false;
  if (test(node)) return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child.type === 'string' && !FUNCTION_TYPES.has(child.type) && some(child, test)) return true;
    }
  }
  return false;
}

const yields = (node) => some(node, (n) => n.type === 'AwaitExpression' || n.type === 'YieldExpression' || (n.type === 'ForOfStatement' && n.await));

/** Names assigned from a clock read anywhere in the loop: `now = Date.now()`. */
function clockVariables(loop) {
  const names = new Set();
  some(loop, (n) => {
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && isClockRead(n.right)) names.add(n.left.name);
    return false;
  });
  return names;
}

/** Does this condition poll a clock or a lock, and nothing else? */
function polls(test, clockVars) {
  if (!test) return false;
  const t = test.type === 'UnaryExpression' && test.operator === '!' ? test.argument : test;
  if (t.type === 'LogicalExpression') return t.operator === '||' ? polls(t.left, clockVars) || polls(t.right, clockVars) : false;
  const reads = (n) => isClockRead(n) || isLockRead(n) || (n.type === 'Identifier' && clockVars.has(n.name));
  if (t.type === 'BinaryExpression') return some(t.left, reads) || some(t.right, reads);
  return reads(t) || (t.type !== 'Identifier' && some(t, reads));
}

/** The `if (…) break|return|throw` exits of this loop's own body, with their tests (null: unconditional). */
function exits(loop) {
  const found = [];
  const walk = (node, guard, nested) => {
    if (!node || typeof node.type !== 'string' || FUNCTION_TYPES.has(node.type)) return;
    if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement' || (node.type === 'BreakStatement' && (node.label || !nested))) {
      found.push(guard);
      return;
    }
    if (node.type === 'IfStatement') {
      walk(node.consequent, node.test, nested);
      walk(node.alternate, null, nested);
      return;
    }
    const inner = nested || LOOPS.has(node.type) || node.type === 'SwitchStatement';
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child.type === 'string') walk(child, guard, inner);
    }
  };
  walk(loop.body, null, false);
  return found;
}

const alwaysTrue = (test) => !test || (test.type === 'Literal' && test.value === true);

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow loops that poll a clock or a lock without awaiting' },
    schema: [],
    messages: { spin: message('R2.1', 'this loop polls a clock or a lock without awaiting and blocks the event loop like time.sleep', FIX) },
  },
  create(context) {
    function check(node) {
      if (yields(node.body) || yields(node.test)) return;
      const clockVars = clockVariables(node);
      const loopExits = exits(node);
      const exitsPoll = loopExits.every((guard) => guard !== null && polls(guard, clockVars));
      if (alwaysTrue(node.test)) {
        if (loopExits.length > 0 && exitsPoll) context.report({ node, messageId: 'spin' });
      } else if (polls(node.test, clockVars) && exitsPoll) {
        context.report({ node, messageId: 'spin' });
      }
    }
    return { WhileStatement: check, DoWhileStatement: check, ForStatement: check };
  },
};
