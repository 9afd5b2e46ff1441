// Adds one plain closing line to web-test-runner's output: "tests: N passed, N failed, N skipped".
// A test file that fails to load counts as one failure.
function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite.suites) count(child, totals);
}

export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        if (!session.passed && session.errors.length > 0) totals.failed += 1;
      }
      // Printed after the default reporter's own summary.
      setTimeout(() =>
        console.log(
          `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
        ),
      );
    },
  };
}
