import { Composer, type Context } from 'grammy';

/** Any other text message: echoed back as a reply to it. */
export function echoHandler(): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:text', async (ctx) => {
    await ctx.reply(ctx.msg.text, { reply_parameters: { message_id: ctx.msg.message_id } });
  });
  return composer;
}
