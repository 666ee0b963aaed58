// Live pages: redraw on the node's events, once per burst of them (a sync brings hundreds).

import { errorBox } from "../format.js";

// Call `redraw()` (async) a moment after any event of these kinds, never twice at once: events
// during a redraw bring one more after it. A failure shows in `slot` until a redraw works.
// Returns the function that stops it all.
export function follow(ctx, kinds, redraw, slot, delay = 250) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await redraw();
      slot.innerHTML = "";
    } catch (error) {
      slot.innerHTML = errorBox(error).markup;
    }
    running = false;
    if (again) {
      again = false;
      run();
    }
  };
  const stops = kinds.map((kind) => ctx.events.on(kind, () => {
    if (timer === null) timer = setTimeout(run, delay);
  }));
  return () => {
    for (const stop of stops) stop();
    clearTimeout(timer);
    again = false;
  };
}

// `fetch()` then `show(answer)`, where calls may overlap: an answer is shown only if no call
// began after its own, so an old answer never overwrites a newer one.
export function latest(fetch, show) {
  let calls = 0;
  return async () => {
    const call = ++calls;
    const answer = await fetch();
    if (call === calls) show(answer);
  };
}
