// `node --import ./tests/support/electron-stub-loader.mjs dist/electron/shell/main.js`
// boots the built Electron main process under plain Node, with `electron` mapped to the stub.
import { register } from 'node:module';

register('./electron-stub-hooks.mjs', import.meta.url);
