import type { Update } from 'grammy/types';

export const CHAT_ID = 4242;

/**
 * A private-chat text message as Telegram sends it. The message_id equals the update_id, so a
 * reply's reply_parameters.message_id names the update it answers. A leading /command gets its
 * bot_command entity, which grammY's command() matching relies on.
 */
export function textUpdate(updateId: number, text: string, chatId = CHAT_ID): Update {
  const command = /^\/[A-Za-z0-9_]+/.exec(text)?.[0];
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1_000),
      chat: { id: chatId, type: 'private', first_name: 'Tester' },
      from: { id: chatId, is_bot: false, first_name: 'Tester' },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  };
}
