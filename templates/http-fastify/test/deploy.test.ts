import { loadConfig } from '../src/config.js';
import { describeHttpDeploy, readManifest } from './helpers/manifest.js';

// deploy/kubernetes.yaml against the relations of the README's Deploying section, with the values
// the service really runs with (its env entries, else the defaults of src/config.ts).

const manifest = await readManifest();
describeHttpDeploy(manifest, loadConfig(manifest.env()), loadConfig({}), 'requests');
