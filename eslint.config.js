// Lint rules that enforce the dependency arrows of ARCHITECTURE.md (a wrong import fails `npm test`).
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';

const nodeBuiltins = ['node:*', 'fs', 'path', 'net', 'tls', 'http', 'https', 'os', 'child_process', 'crypto', 'events', 'stream', 'url', 'util', 'worker_threads', 'zlib', 'dgram', 'buffer'];

/** broker-core: only itself and node: built-ins; never electron/, renderer/, nedb, electron */
const brokerCore = {
  patterns: [
    { group: ['**/electron/**', '**/renderer/**', '../electron*', '../../electron*'], message: 'broker-core is a pure library: it must not import electron/ or renderer/.' },
    { group: ['electron', 'nedb-promises', '@seald-io/*', 'serialport', 'svelte', 'svelte/*', 'chart.js', 'mqtt', 'mqtt-packet'], message: 'broker-core depends on node: built-ins only (ws only in transports).' },
  ],
};

/** the contract: types only, imports nothing at runtime */
const contract = {
  patterns: [
    { group: ['*', '!./*', '!../contract/*'], message: 'electron/contract is types only: it may import only its own files.' },
  ],
};

/** renderer: the contract as `import type`, never Node, never electron, never broker-core */
const renderer = {
  paths: nodeBuiltins.filter((n) => !n.includes('*')).map((name) => ({ name, message: 'The renderer runs in a browser sandbox: no Node modules.' })),
  patterns: [
    { group: ['node:*'], message: 'The renderer runs in a browser sandbox: no Node modules.' },
    { group: ['electron', 'nedb-promises', 'serialport', 'ws', 'mqtt'], message: 'The renderer talks to the main process only through the contract.' },
    { group: ['**/broker-core/**'], message: 'The renderer knows only the contract, not broker-core.' },
    { group: ['**/electron/*', '!**/electron/contract', '!**/electron/contract/*'], message: 'The renderer may import only electron/contract (as types).' },
  ],
};

/** main process: may import broker-core's public entry only, never renderer/ */
const mainProcess = {
  patterns: [
    { group: ['**/renderer/**'], message: 'The main process does not import renderer code.' },
    { group: ['**/broker-core/*/**', '!**/broker-core/index.js'], message: 'Import broker-core through its public entry (broker-core/index.js).' },
  ],
};

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
  { files: ['broker-core/**/*.ts'], rules: { 'no-restricted-imports': ['error', brokerCore], '@typescript-eslint/no-explicit-any': 'error' } },
  {
    files: ['broker-core/**/*.ts'],
    ignores: ['broker-core/transport/**'],
    rules: { 'no-restricted-imports': ['error', { ...brokerCore, patterns: [...brokerCore.patterns, { group: ['ws'], message: 'Only broker-core/transport/ may use ws.' }] }] },
  },
  { files: ['electron/contract/**/*.ts'], rules: { 'no-restricted-imports': ['error', contract], '@typescript-eslint/no-explicit-any': 'error' } },
  { files: ['electron/**/*.ts', 'electron/**/*.cts'], ignores: ['electron/contract/**'], rules: { 'no-restricted-imports': ['error', mainProcess] } },
  { files: ['renderer/**/*.ts', 'renderer/**/*.svelte', 'renderer/**/*.svelte.ts'], rules: { 'no-restricted-imports': ['error', renderer] } },
  {
    files: ['tests/**/*.ts', 'bench/**/*.{js,ts}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
