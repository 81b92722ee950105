import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { describeHttpDeploy, readManifest } from './helpers/manifest.js';

// deploy/kubernetes.yaml against the relations of the README's Deploying section, with the values
// the bot really runs with (its env entries, else the defaults of src/config.ts). BOT_TOKEN and
// WEBHOOK_SECRET come from a Secret in the cluster; here any well-formed value stands for them.

const SECRETS = { BOT_TOKEN: '123456:TEST-token', WEBHOOK_SECRET: 'test-secret-0123456789' };

const manifest = await readManifest();
describeHttpDeploy(manifest, loadConfig({ ...SECRETS, ...manifest.env() }), loadConfig(SECRETS), 'updates');

describe('deploy/kubernetes.yaml', () => {
  it('keeps the secrets out of the manifest', () => {
    expect(manifest.text).toMatch(/secretRef: \{ name: bot \}/);
    expect(Object.keys(manifest.env())).not.toContain('BOT_TOKEN');
    expect(Object.keys(manifest.env())).not.toContain('WEBHOOK_SECRET');
  });
});
