// A web-test-runner command that makes saved explanations of the demo's photographs, as
// `node scripts/make-demo-saved.mjs` does for the demo, but with the bundled shapes model (no
// network here; the files record the default model's URL, so the demo's elements accept them):
// executeServerCommand('ig-demo-saved') resolves to the index's URL path. Needs dist/cli.js.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_MODEL_URL } from './download-model.mjs';

export function demoSaved({ out = 'test-results/demo-saved' } = {}) {
  return {
    name: 'ig-demo-saved',
    async executeCommand({ command }) {
      if (command !== 'ig-demo-saved') return undefined;
      const args = ['scripts/make-demo-saved.mjs', '--model', 'demo/models/shapes/model.json'];
      args.push('--model-url', DEFAULT_MODEL_URL, '--out', out, '--steps', '8');
      await promisify(execFile)(process.execPath, args);
      return `/${out}/index.json`;
    },
  };
}
