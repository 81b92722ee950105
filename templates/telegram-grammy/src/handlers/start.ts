import { Composer, type Context } from 'grammy';

/** /start: the greeting every bot needs. Pure: awaits nothing but the reply. */
export function startHandler(): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('start', async (ctx) => {
    await ctx.reply(
      `Hi, I am ${ctx.me.first_name}. Send me any text and I echo it; try /item <id> (an outbound HTTP call) or /hash <text> (CPU work on a worker thread).`,
    );
  });
  return composer;
}
