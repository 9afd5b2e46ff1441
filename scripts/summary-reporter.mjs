// Adds one plain closing line to web-test-runner's output: "tests: N passed, N failed, N skipped".
// A test file that fails to load counts as one failure. Before it, the slowest test files (the
// sum of their tests' durations), to keep the suite's time in view.
const SLOWEST = 10;

function count(suite, totals) {
  for (const test of suite.tests) {
    totals.ms += test.duration ?? 0;
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals);
}

export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0, ms: 0 };
      const files = [];
      for (const session of sessions) {
        const before = totals.ms;
        if (session.testResults) count(session.testResults, totals);
        if (!session.passed && session.errors.length > 0) totals.failed += 1;
        files.push([session.testFile, totals.ms - before]);
      }
      const slowest = files
        .sort((a, b) => b[1] - a[1])
        .slice(0, SLOWEST)
        .map(
          ([file, ms]) =>
            `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file.replace(/^.*?\/test\//, 'test/')}`,
        );
      // Printed after the default reporter's own summary.
      setTimeout(() => {
        console.log(`slowest test files (their tests' time):\n${slowest.join('\n')}`);
        console.log(
          `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
        );
      });
    },
  };
}
