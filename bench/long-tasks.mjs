// What the page's long main-thread tasks did, from a DevTools trace (puppeteer page.tracing):
// each renderer main-thread task over the limit with its wall and thread (CPU) time and the
// events inside it that took the most, by self time. A long task whose CPU time is small was
// waiting for a core (a loaded machine), not working.

/** The categories the summary needs: tasks, their events, and thread times. */
export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink',
  'blink.user_timing',
];

/** The page's renderer main thread: the CrRendererMain with the most time in tasks. */
function mainThread(events) {
  const names = events.filter(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  let best = null;
  let bestTime = -1;
  for (const t of names) {
    const time = events
      .filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && e.name === 'RunTask')
      .reduce((sum, e) => sum + e.dur, 0);
    if (time > bestTime) [best, bestTime] = [t, time];
  }
  return best;
}

const label = (e) => {
  const data = e.args?.data ?? {};
  const detail = data.functionName || data.url || data.type || data.name || '';
  return detail ? `${e.name} ${String(detail).slice(0, 80)}` : e.name;
};

/**
 * Tasks of the page's main thread longer than `limitMs`: start (ms, trace clock), wall and CPU
 * ms, and the `top` events inside by self time (wall ms), e.g. "FunctionCall onmessage 80".
 */
export function longTasksOf(trace, limitMs = 50, top = 6) {
  const events = trace.traceEvents ?? trace;
  const main = mainThread(events);
  if (!main) return [];
  const own = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = own.filter((e) => e.name === 'RunTask' && e.dur > limitMs * 1000);
  return tasks.map((task) => {
    const end = task.ts + task.dur;
    const inside = own.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
    // Self time: an event's duration less that of the events directly inside it.
    const self = new Map();
    const stack = [];
    for (const e of inside) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) self.set(parent, (self.get(parent) ?? parent.dur) - e.dur);
      self.set(e, self.get(e) ?? e.dur);
      stack.push(e);
    }
    const byLabel = new Map();
    for (const [e, us] of self) byLabel.set(label(e), (byLabel.get(label(e)) ?? 0) + us);
    return {
      start: task.ts / 1000,
      wallMs: task.dur / 1000,
      cpuMs: task.tdur === undefined ? null : task.tdur / 1000,
      top: [...byLabel]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, us]) => `${name} ${(us / 1000).toFixed(0)}`),
    };
  });
}
