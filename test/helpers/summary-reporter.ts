import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * Ends every run with one plain line, `tests: N passed, N failed, N skipped`, which CI logs
 * and other tools read without knowing vitest's own summary format. A test that did not run
 * because a hook of its suite failed (a `beforeAll` that could not install, say) counts as
 * failed, not skipped, and so does a file that failed to load.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      if (tests.length === 0 && module.state() === 'failed') counts.failed += 1;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed' || suiteFailed(test)) counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

/** A describe block (not the file: it fails with any of its tests) whose hook failed. */
function suiteFailed(test: TestCase): boolean {
  for (let parent = test.parent; parent.type !== 'module'; parent = parent.parent) {
    if (parent.errors().length > 0) return true; // a beforeAll/afterAll of this block threw
  }
  return false;
}
