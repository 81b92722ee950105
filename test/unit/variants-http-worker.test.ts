import { TEMPLATE_IDS } from '../../generators/shared/registry.js';
import { checkVariantsOffline } from '../helpers/variants.js';

// every variant of every other template (variants-bot.test.ts has telegram-grammy's) typechecked
// and linted against the root node_modules, offline
checkVariantsOffline(TEMPLATE_IDS.filter((id) => id !== 'telegram-grammy'));
