import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { commonjsToEsm } from './scripts/wtr-commonjs.mjs';
import { findChrome, CHROME_ARGS } from './scripts/chrome-path.mjs';
import { binaryFiles } from './scripts/wtr-binary.mjs';
import { workerStart } from './scripts/wtr-worker-start.mjs';
import { summaryReporter } from './scripts/summary-reporter.mjs';
import { testServers } from './scripts/test-servers.mjs';
import { cspPage } from './scripts/wtr-csp-page.mjs';
import { isolatedPage } from './scripts/wtr-isolated-page.mjs';
import { screenshots } from './scripts/wtr-screenshot.mjs';
import { demoSaved } from './scripts/wtr-demo-saved.mjs';

const executablePath = findChrome();
if (!executablePath) {
  throw new Error(
    'No Chrome or Chromium found: install one (apt-get install -y chromium) or set CHROME_PATH.',
  );
}

export default {
  files: process.env.TEST_FILES ? process.env.TEST_FILES.split(',') : ['test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  // Weight shards byte for byte: the dev server's transform step garbles some (wtr-binary.mjs);
  // worker scripts that fail or hang from their second request on (wtr-worker-start.mjs).
  middleware: [binaryFiles(), workerStart()],
  plugins: [
    // TF.js imports CommonJS files (long, seedrandom, the WASM backend's Emscripten glue), the
    // labels one more; the browser needs them as ES modules. The ImageNet class names:
    // @tensorflow-models/mobilenet (src/engine/labels.ts).
    commonjsToEsm({
      include:
        /\/node_modules\/(long\/|seedrandom\/|@tensorflow\/tfjs-backend-wasm\/wasm-out\/[\w.-]+\.js$|@tensorflow-models\/mobilenet\/dist\/imagenet_classes\.js)/,
    }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    // Second origins: a plain HTTP/1.1 static server with CORS, one without, a CORS proxy.
    testServers(),
    // A third origin serving a page under a strict CSP (test/bundle/), and screenshots of the demo.
    cspPage(),
    screenshots(),
    // Saved explanations of the demo's photographs (test/bundle/demo.test.ts).
    demoSaved(),
    // A cross-origin isolated (COOP + COEP) tab for the WASM backend's threaded build.
    isolatedPage(),
  ],
  browsers: [
    chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } }),
  ],
  reporters: [defaultReporter(), summaryReporter()],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 900000,
  testFramework: { config: { timeout: 120000 } },
};
