// Worker scripts that start badly, for the pool's tests (test/worker/pool-start.test.ts): a page
// on a slow machine or a flaky network may get its second worker late or not at all.
// `/test/worker-entry/test-worker?start=KEY:MODE` (no extension) is the test worker entry
// (test-worker.ts), served as usual the first time KEY is asked for; every later request of KEY
// is, by MODE:
// - `fail`: answered 503 (the worker fires `error` and never runs);
// - `fail-once`: answered 503 the second time only, as usual after that;
// - `hang`: never answered (the worker never runs; the connection closes with the page).
// Only the entry is affected, not the modules it imports. The path has no extension because the
// test runner marks every file that has one cacheable for a year (its cacheMiddleware): then a
// second worker would take the entry from the browser's cache and never ask again.

const ENTRY = '/test/worker-entry/test-worker';

/** @returns {import('koa').Middleware} */
export function workerStart() {
  const served = new Map();
  return async (ctx, next) => {
    const start = typeof ctx.query.start === 'string' ? ctx.query.start : null;
    const match = start?.match(/^([\w-]+):(fail|fail-once|hang)$/);
    if (ctx.path !== ENTRY || !match) return next();
    const [, key, mode] = match;
    const count = (served.get(key) ?? 0) + 1;
    served.set(key, count);
    const refused = count > 1 && (mode === 'fail' || (mode === 'fail-once' && count === 2));
    if (refused) {
      ctx.status = 503;
      ctx.body = `worker start ${count} of ${key} refused (${mode})`;
      return;
    }
    if (count > 1 && mode === 'hang') {
      await new Promise((closed) => ctx.res.once('close', closed));
      return;
    }
    ctx.path = `${ENTRY}.ts`;
    try {
      await next();
    } finally {
      ctx.path = ENTRY;
    }
  };
}
