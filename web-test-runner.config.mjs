import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { findChrome, CHROME_ARGS } from './scripts/chrome-path.mjs';

const executablePath = findChrome();
if (!executablePath) {
  throw new Error(
    'No Chrome or Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH.',
  );
}

export default {
  files: process.env.TEST_FILES ? process.env.TEST_FILES.split(',') : ['test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  browsers: [
    chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } }),
  ],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 300000,
  testFramework: { config: { timeout: 120000 } },
};
