// Lint rules that enforce the dependency arrows of ARCHITECTURE.md (a wrong import fails `npm test`).
// Import specifiers are matched with regular expressions (gitignore-style globs treat
// `electron` as "any path segment named electron", which is not what we mean).
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';

const nodeBuiltin =
  '^(node:.*|assert|buffer|child_process|cluster|crypto|dgram|dns|events|fs|http|http2|https|module|net|os|path|perf_hooks|process|readline|stream|string_decoder|timers|tls|tty|url|util|v8|vm|worker_threads|zlib)(/.*)?$';

/** broker-core: only itself and node: built-ins; ws only in transport/ */
const brokerCore = (allowWs) => [
  { regex: '^\\.{1,2}/(.*/)?(electron|renderer)(/|$)', message: 'broker-core is a pure library: it must not import electron/ or renderer/.' },
  {
    regex: allowWs ? '^(?!\\.{1,2}/|node:|ws$)' : '^(?!\\.{1,2}/|node:)',
    message: allowWs ? 'broker-core transports depend on node: built-ins and ws only.' : 'broker-core depends on node: built-ins only (ws only in broker-core/transport/).',
  },
];

/** the contract: types only, imports nothing but its own files */
const contract = [{ regex: '^(?!\\./[\\w.-]+\\.js$)', message: 'electron/contract is types only: it may import only its own files (./<area>.js).' }];

/** renderer: the contract as `import type`, never Node, never electron, never broker-core */
const renderer = [
  { regex: nodeBuiltin, message: 'The renderer runs in a browser sandbox: no Node modules.' },
  { regex: '^(electron|nedb-promises|@seald-io/.*|serialport|@serialport/.*|ws|mqtt)(/.*)?$', message: 'The renderer talks to the main process only through the contract.' },
  { regex: '^\\.{1,2}/(.*/)?broker-core(/|$)', message: 'The renderer knows only the contract, not broker-core.' },
  { regex: '^\\.{1,2}/(.*/)?electron/(?!contract/)', message: 'The renderer may import only electron/contract (as types).' },
  { regex: '^\\.{1,2}/(.*/)?electron/contract/', allowTypeImports: true, message: 'The renderer imports the contract with `import type` only.' },
];

/** main process: broker-core's public entry only, never renderer/; the electron module only in the shell */
const mainProcess = (allowElectron) => [
  { regex: '^\\.{1,2}/(.*/)?renderer(/|$)', message: 'The main process does not import renderer code.' },
  { regex: '^\\.{1,2}/(.*/)?broker-core/(?!index\\.js$)', message: 'Import broker-core through its public entry (broker-core/index.js).' },
  ...(allowElectron ? [] : [{ regex: '^electron(/.*)?$', message: "Only electron/shell/ may import 'electron'; everything else must run under plain Node." }]),
];

const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default [
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'bench/results/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  { files: ['broker-core/**/*.ts'], rules: { ...restrict(brokerCore(false)), '@typescript-eslint/no-explicit-any': 'error' } },
  { files: ['broker-core/transport/**/*.ts'], rules: restrict(brokerCore(true)) },
  { files: ['electron/contract/**/*.ts'], rules: { ...restrict(contract), '@typescript-eslint/no-explicit-any': 'error' } },
  { files: ['electron/**/*.ts', 'electron/**/*.cts'], ignores: ['electron/contract/**', 'electron/shell/**'], rules: restrict(mainProcess(false)) },
  { files: ['electron/shell/**/*.ts', 'electron/shell/**/*.cts'], rules: restrict(mainProcess(true)) },
  // A sandboxed preload is a CommonJS file whose one import is `import electron = require('electron')`.
  { files: ['electron/shell/preload.cts'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte', 'renderer/**/*.svelte.ts'],
    // the Vite config is build tooling that runs in Node, not renderer code
    ignores: ['renderer/vite.config.ts'],
    rules: restrict(renderer),
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.{js,ts}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
