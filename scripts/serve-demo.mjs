// `npm start`: renders docs/ to HTML, serves the repository (demo/, docs/, dist/, models) and
// prints the demo's and the docs' addresses.
import './build-docs.mjs';
import { startStaticServer } from './static-server.mjs';

const port = Number(process.env.PORT ?? 8000);
const { origin } = await startStaticServer({
  root: '.',
  port,
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`ig-explainer demo: ${origin}/demo/  docs: ${origin}/docs/  (Ctrl+C stops it)`);
