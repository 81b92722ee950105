import { autoRetry } from '@grammyjs/auto-retry';
import { Api } from 'grammy';
import { describeStartupError } from './bot.js';
import { ConfigError, loadConfig } from './config.js';

// `npm run webhook:set`: tells Telegram where to deliver updates, once per deployment (or when
// the URL or the secret changes), not on every boot: N instances starting would race to set it,
// and a rolling deploy would flap it. Uses the same environment as the server; it needs
// WEBHOOK_PUBLIC_URL too (the public https origin Telegram calls).

async function setWebhook(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.webhookPublicUrl === undefined) {
    throw new ConfigError('invalid configuration: WEBHOOK_PUBLIC_URL is required to set the webhook, e.g. https://bot.example.com');
  }
  const url = `${config.webhookPublicUrl}${config.webhookPath}`;
  const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
  api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 10, rethrowHttpErrors: true }));
  await api.setWebhook(url, {
    secret_token: config.webhookSecret, // Telegram sends it back in X-Telegram-Bot-Api-Secret-Token
    drop_pending_updates: false, // updates queued while switching are delivered, not lost
  });
  process.stdout.write(`webhook set to ${url}\n`);
}

try {
  await setWebhook();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : describeStartupError(err)}\n`);
  process.exitCode = 1;
}
