// @ts-check
/**
 * Code that runs inside the page (passed to page.evaluate): a requestAnimationFrame sampler
 * for frame times, and a probe that timestamps a click and the frame in which its effect
 * (the detail pane showing the clicked topic, loaded from the main process) is on screen.
 */

/** Starts recording frame deltas (bounded: the last 200,000 frames). */
export function installFrameSampler() {
  const w = /** @type {any} */ (window);
  w.__frames = [];
  w.__framesOn = true;
  w.__longTasks = [];
  // Main-thread tasks over 50 ms (Long Tasks API), to tell slow frames caused by the page's own
  // work from frames lost to a busy machine.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (w.__longTasks.length < 100_000) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  } catch (_err) {
    // not supported: longTasks stays empty
  }
  let last = performance.now();
  const tick = (/** @type {number} */ now) => {
    if (!w.__framesOn) return;
    w.__frames.push(now - last);
    if (w.__frames.length > 200_000) w.__frames.shift();
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Frame deltas and long-task durations since the last call (and clears them). */
export function takeFrames() {
  const w = /** @type {any} */ (window);
  const out = { frames: w.__frames, longTasks: w.__longTasks };
  w.__frames = [];
  w.__longTasks = [];
  return out;
}

/**
 * Arms the click probe for one tree row: resolves with ms from the pointerdown event's own
 * timestamp (so waiting in the input queue counts) to the first animation frame after the
 * detail pane shows that topic's loaded detail.
 * @param {string} path
 */
export function armClickProbe(path) {
  const w = /** @type {any} */ (window);
  w.__clickResult = new Promise((resolve, reject) => {
    let downAt = -1;
    const onDown = (/** @type {PointerEvent} */ e) => {
      downAt = e.timeStamp;
    };
    document.addEventListener('pointerdown', onDown, { capture: true, once: true });
    const shown = () =>
      document.querySelector('[data-testid="detail-topic"]')?.textContent === path && document.querySelector('[data-testid="detail-count"]') !== null;
    const observer = new MutationObserver(() => {
      if (downAt < 0 || !shown()) return;
      observer.disconnect();
      clearTimeout(timeout);
      requestAnimationFrame(() => resolve(performance.now() - downAt));
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const timeout = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`detail for ${path} did not show within 30 s`));
    }, 30_000);
  });
}

export function clickResult() {
  return /** @type {any} */ (window).__clickResult;
}

/** Chromium's JS heap figure (coarse unless --enable-precise-memory-info). */
export function jsHeap() {
  const m = /** @type {any} */ (performance).memory;
  return m ? m.usedJSHeapSize : null;
}
