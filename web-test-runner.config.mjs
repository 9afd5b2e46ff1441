import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import rollupCommonjs from '@rollup/plugin-commonjs';
import { findChrome, CHROME_ARGS } from './scripts/chrome-path.mjs';
import { summaryReporter } from './scripts/summary-reporter.mjs';
import { testServers } from './scripts/test-servers.mjs';

const executablePath = findChrome();
if (!executablePath) {
  throw new Error(
    'No Chrome or Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH.',
  );
}

export default {
  files: process.env.TEST_FILES ? process.env.TEST_FILES.split(',') : ['test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [
    // TF.js imports two CommonJS packages; the browser needs them as ES modules.
    fromRollup(rollupCommonjs)({
      include: ['**/node_modules/long/**', '**/node_modules/seedrandom/**'],
    }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    // Second origins: a plain HTTP/1.1 static server with CORS, one without, a CORS proxy.
    testServers(),
  ],
  browsers: [
    chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } }),
  ],
  reporters: [defaultReporter(), summaryReporter()],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 300000,
  testFramework: { config: { timeout: 120000 } },
};
