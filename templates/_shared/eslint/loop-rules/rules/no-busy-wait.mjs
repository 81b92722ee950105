import { message } from '../messages.mjs';
import { propertyName } from './util.mjs';

// R2.1: a loop that spins on the clock is time.sleep that also burns a CPU. Caught when the loop
// test reads a clock (Date.now(), performance.now(), new Date(), process.hrtime()) and the body
// does nothing useful: empty, `;`, `continue`, only re-reads the clock, or only `if (clock) break`.
// A body that only re-reads the clock spins whatever the test (`while (now < t) now = Date.now()`).

const FIX = "await setTimeout(ms, undefined, { signal }) from 'node:timers/promises'";

function isClockRead(node) {
  if (!node) return false;
  if (node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === 'Date') return true;
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee;
  if (callee.type !== 'MemberExpression') return false;
  const name = propertyName(callee);
  const object = callee.object;
  if (name === 'now' && object.type === 'Identifier' && (object.name === 'Date' || object.name === 'performance')) return true;
  if (name === 'now' && object.type === 'MemberExpression' && propertyName(object) === 'performance') return true;
  if (name === 'hrtime' && object.type === 'Identifier' && object.name === 'process') return true;
  if (name === 'bigint' && object.type === 'MemberExpression' && propertyName(object) === 'hrtime') return true;
  if ((name === 'getTime' || name === 'valueOf') && isClockRead(object)) return true;
  return false;
}

/** Does any node below `node` read a clock? A small walk over expression children. */
function readsClock(node) {
  if (!node || typeof node !== 'object') return false;
  if (isClockRead(node)) return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    if (Array.isArray(value) ? value.some(readsClock) : value && typeof value.type === 'string' && readsClock(value)) return true;
  }
  return false;
}

function isIdle(statement) {
  switch (statement.type) {
    case 'EmptyStatement':
    case 'ContinueStatement':
      return true;
    case 'BlockStatement':
      return statement.body.every(isIdle);
    case 'ExpressionStatement': {
      const e = statement.expression;
      return isClockRead(e) || (e.type === 'AssignmentExpression' && isClockRead(e.right));
    }
    default:
      return false;
  }
}

/** `{ if (Date.now() >= t) break; }` inside `while (true)` / `for (;;)`. */
function isClockBreak(statement) {
  const body = statement.type === 'BlockStatement' ? statement.body.filter((s) => !isIdle(s)) : [statement];
  if (body.length !== 1 || body[0].type !== 'IfStatement' || body[0].alternate) return false;
  const ifs = body[0];
  const consequent = ifs.consequent.type === 'BlockStatement' && ifs.consequent.body.length === 1 ? ifs.consequent.body[0] : ifs.consequent;
  return consequent.type === 'BreakStatement' && !consequent.label && readsClock(ifs.test);
}

const alwaysTrue = (test) => !test || (test.type === 'Literal' && test.value === true);

export default {
  meta: {
    type: 'problem',
    docs: { description: 'disallow loops that spin on the clock' },
    schema: [],
    messages: { spin: message('R2.1', 'this loop spins on the clock and blocks the event loop like time.sleep', FIX) },
  },
  create(context) {
    function check(node) {
      if (isIdle(node.body) && (readsClock(node.test) || readsClock(node.body))) context.report({ node, messageId: 'spin' });
      else if (alwaysTrue(node.test) && isClockBreak(node.body)) context.report({ node, messageId: 'spin' });
    }
    return { WhileStatement: check, DoWhileStatement: check, ForStatement: check };
  },
};
