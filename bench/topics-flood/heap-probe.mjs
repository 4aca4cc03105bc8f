// Loaded into the host with `node --expose-gc --import` by `flood.js --host-heap`: every 5 s it
// collects garbage and prints the live heap, so the bench can tell retained memory from V8's
// heap slack in the RSS figure. The forced collections change the RSS curve; use it to diagnose.
setInterval(() => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stderr.write(`heap-probe: live=${m.heapUsed + m.arrayBuffers} total=${m.heapTotal} rss=${m.rss}\n`);
}, 5000).unref();
