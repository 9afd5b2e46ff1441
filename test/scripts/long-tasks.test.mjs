// bench/long-tasks.mjs on a small hand-written DevTools trace: the page's renderer is found by
// its URL (another renderer's longer tasks are ignored), only tasks between the page's marks
// count, and each long task gets its wall and CPU time and its events by self time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longTasksOf } from '../../bench/long-tasks.mjs';

const PAGE = 10;
const OTHER = 20;
const thread = (pid, tid) => [
  { ph: 'M', name: 'thread_name', pid, tid, args: { name: 'CrRendererMain' } },
];
const task = (pid, tid, ts, dur, tdur) => ({ ph: 'X', name: 'RunTask', pid, tid, ts, dur, tdur });
const event = (pid, tid, name, ts, dur, data) => ({
  ph: 'X',
  name,
  pid,
  tid,
  ts,
  dur,
  ...(data ? { args: { data } } : {}),
});

const trace = {
  traceEvents: [
    {
      name: 'TracingStartedInBrowser',
      ph: 'I',
      pid: 1,
      tid: 1,
      ts: 0,
      args: { data: { frames: [{ processId: PAGE, url: 'http://x/bench/perf.html' }] } },
    },
    ...thread(PAGE, 2),
    ...thread(OTHER, 3),
    // Another renderer (a browser page of its own) with much more time in tasks.
    task(OTHER, 3, 0, 900_000, 900_000),
    // Before the window: a long task of the page that does not count.
    task(PAGE, 2, 1_000, 80_000, 80_000),
    { ph: 'R', name: 'ig-main-thread:src', pid: PAGE, tid: 2, ts: 100_000 },
    // In the window: 120 ms wall, 30 ms CPU; RunMicrotasks 100 ms holding a 60 ms FunctionCall.
    task(PAGE, 2, 200_000, 120_000, 30_000),
    event(PAGE, 2, 'RunMicrotasks', 205_000, 100_000),
    event(PAGE, 2, 'FunctionCall', 210_000, 60_000, { functionName: 'paint' }),
    // In the window, short: not listed, but its CPU time counts for the most in one task.
    task(PAGE, 2, 400_000, 45_000, 44_000),
    { ph: 'R', name: 'ig-main-thread:drawn', pid: PAGE, tid: 2, ts: 500_000 },
    task(PAGE, 2, 600_000, 200_000, 200_000),
  ],
};

test('long tasks of the page between its marks, with CPU time and events by self time', () => {
  const { maxCpuMs, tasks } = longTasksOf(trace, {
    limitMs: 50,
    url: '/bench/perf.html',
    from: 'ig-main-thread:src',
    to: 'ig-main-thread:drawn',
  });
  assert.equal(maxCpuMs, 44);
  assert.equal(tasks.length, 1);
  const [t] = tasks;
  assert.equal(t.start, 100);
  assert.equal(t.wallMs, 120);
  assert.equal(t.cpuMs, 30);
  assert.deepEqual(t.top, ['FunctionCall paint 60', 'RunMicrotasks 40']);
  assert.deepEqual(t.functions, []);
});

test('without marks, the whole trace of the page counts', () => {
  const { tasks } = longTasksOf(trace, { limitMs: 50, url: '/bench/perf.html' });
  assert.deepEqual(
    tasks.map((t) => t.wallMs),
    [80, 120, 200],
  );
});
