// Module resolution hook: the bare specifier 'electron' resolves to electron-stub.mjs.
const stubUrl = new URL('./electron-stub.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: stubUrl, format: 'module', shortCircuit: true };
  return nextResolve(specifier, context);
}
