import { Composer, type Context } from 'grammy';
import type { CommandDeps } from '../bot.js';
import type { HashResult, HashTask } from '../workers/hash.js';

const MAX_INPUT = 1_024;

/**
 * /hash <text>: CPU-bound work (scrypt) runs on the piscina pool (R2.4), never on the loop, so
 * other chats keep getting answers while it runs. The input is capped, like a body limit.
 */
export function hashHandler(deps: CommandDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('hash', async (ctx) => {
    const password = ctx.match.trim();
    let reply: string;
    if (password.length === 0 || password.length > MAX_INPUT) {
      reply = `Usage: /hash <text of 1-${MAX_INPUT} characters>`;
    } else {
      const task: HashTask = { password };
      const result = (await deps.resources().cpuPool.run(task)) as HashResult;
      reply = `${result.algorithm} ${result.hash.slice(0, 32)}… (salt ${result.salt})`;
    }
    await ctx.reply(reply, { reply_parameters: { message_id: ctx.msg.message_id } });
  });
  return composer;
}
