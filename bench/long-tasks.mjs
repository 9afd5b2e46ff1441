// What the page's long main-thread tasks did, from a DevTools trace (puppeteer page.tracing):
// each task of the page's main thread over the limit, between two performance.mark()s of the
// page, with its wall and thread (CPU) time and the events inside it that took the most, by self
// time. A long task whose CPU time is small was waiting for a core (a loaded machine), not
// working.
import { readFileSync } from 'node:fs';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';

/** The categories the summary needs: tasks, their events, thread times and the page's marks. */
export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink',
  'blink.user_timing',
];
/** With these too, the JavaScript functions sampled in each task (slower: not for figures). */
export const PROFILE_CATEGORIES = [...TRACE_CATEGORIES, 'disabled-by-default-v8.cpu_profiler'];

/** The renderer main thread of the page at `url` (puppeteer traces other renderers too). */
function mainThread(events, url) {
  const pids = new Set(
    events
      .filter((e) => e.name === 'TracingStartedInBrowser')
      .flatMap((e) => e.args?.data?.frames ?? [])
      .filter((frame) => !url || frame.url?.includes(url))
      .map((frame) => frame.processId),
  );
  const names = events.filter(
    (e) =>
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.args?.name === 'CrRendererMain' &&
      (pids.size === 0 || pids.has(e.pid)),
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
 * "function file:line" of a sampled call frame, through the script's source map when
 * `fileOf(url)` names a local copy of it with a `.map` beside (the minified bundle's names are
 * letters).
 */
function namer(fileOf) {
  const maps = new Map();
  const mapOf = (url) => {
    if (!maps.has(url)) {
      let map = null;
      try {
        const file = fileOf?.(url);
        if (file) map = new TraceMap(readFileSync(`${file}.map`, 'utf8'));
      } catch {
        // no map: the generated position
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
  return (f) => {
    const map = f.url ? mapOf(f.url) : null;
    const at = map && originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber });
    if (at?.source) {
      const source = at.source.split('/').slice(-2).join('/');
      return `${at.name ?? (f.functionName || '(anonymous)')} ${source}:${at.line}`;
    }
    const file = (f.url ?? '').split('/').pop();
    return `${f.functionName || '(anonymous)'} ${file}:${(f.lineNumber ?? 0) + 1}`;
  };
}

/**
 * The V8 CPU profile's samples of thread `main` (ProfileChunk events): [time µs, the sampled
 * function as "name file:line"], in time order.
 */
function samplesOf(events, main, fileOf) {
  const name = namer(fileOf);
  const chunks = events.filter(
    (e) => e.pid === main.pid && (e.name === 'Profile' || e.name === 'ProfileChunk'),
  );
  const profileIds = new Set(
    chunks.filter((e) => e.name === 'Profile' && e.tid === main.tid).map((e) => e.id),
  );
  const nodes = new Map();
  const samples = [];
  const clock = new Map();
  for (const e of chunks) {
    if (!profileIds.has(e.id)) continue;
    if (e.name === 'Profile') {
      clock.set(e.id, e.args.data.startTime);
      continue;
    }
    const profile = e.args.data.cpuProfile ?? {};
    for (const node of profile.nodes ?? []) nodes.set(node.id, name(node.callFrame ?? {}));
    let t = clock.get(e.id) ?? 0;
    (profile.samples ?? []).forEach((id, i) => {
      t += e.args.data.timeDeltas?.[i] ?? 0;
      samples.push([t, id]);
    });
    clock.set(e.id, t);
  }
  return samples.map(([t, id]) => [t, nodes.get(id) ?? '?']);
}

/** The trace time (µs) of the page's performance.mark(`name`), or `fallback`. */
function markTime(events, main, name, fallback) {
  const mark = events.find((e) => e.pid === main.pid && e.name === name);
  return mark ? mark.ts : fallback;
}

/**
 * The page's main-thread tasks between its marks `from` and `to` (the whole trace without
 * them): `maxCpuMs`, the most thread time one task took, and `tasks`, those longer than
 * `limitMs` wall: start (ms after `from`), wall and CPU ms, the `top` events inside by self time
 * (wall ms, e.g. "RunMicrotasks 80") and, in a trace with PROFILE_CATEGORIES, the functions
 * sampled most (`fileOf(url)`: the local path of a script, for its source map).
 */
export function longTasksOf(trace, { limitMs = 50, url, from, to, top = 6, fileOf } = {}) {
  const events = trace.traceEvents ?? trace;
  const main = mainThread(events, url);
  if (!main) return { maxCpuMs: null, tasks: [] };
  const start = markTime(events, main, from, -Infinity);
  const stop = markTime(events, main, to, Infinity);
  const own = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const inWindow = own.filter((e) => e.name === 'RunTask' && e.ts + e.dur >= start && e.ts <= stop);
  const maxCpuMs = Math.max(0, ...inWindow.map((e) => (e.tdur ?? 0) / 1000));
  const tasks = inWindow.filter((e) => e.dur > limitMs * 1000);
  const samples = tasks.length ? samplesOf(events, main, fileOf) : [];
  const described = tasks.map((task) => {
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
    const functions = new Map();
    for (const [t, name] of samples) {
      if (t >= task.ts && t <= end && !/^\((idle|program|garbage collector)\)/.test(name)) {
        functions.set(name, (functions.get(name) ?? 0) + 1);
      }
    }
    const byLabel = new Map();
    for (const [e, us] of self) byLabel.set(label(e), (byLabel.get(label(e)) ?? 0) + us);
    return {
      start: (task.ts - (Number.isFinite(start) ? start : task.ts)) / 1000,
      wallMs: task.dur / 1000,
      cpuMs: task.tdur === undefined ? null : task.tdur / 1000,
      top: [...byLabel]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, us]) => `${name} ${(us / 1000).toFixed(0)}`),
      // The JavaScript functions sampled most often in the task (V8's sampling profiler).
      functions: [...functions]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, n]) => `${name} x${n}`),
    };
  });
  return { maxCpuMs, tasks: described };
}
