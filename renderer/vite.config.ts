// Builds the Svelte renderer into dist/renderer. Relative asset URLs (`base: './'`) let the same
// output load from file:// in Electron and from the headless host over HTTP.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // No inline polyfill script: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
    // The timing report fires on a busy machine and would clutter `npm run serve`'s output.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
