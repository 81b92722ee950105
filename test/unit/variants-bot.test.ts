import { checkVariantsOffline } from '../helpers/variants.js';

// every telegram-grammy variant typechecked and linted against the root node_modules, offline
checkVariantsOffline(['telegram-grammy']);
