// `npm start`: serves the repository (demo/, dist/, models) and prints the demo's address.
import { startStaticServer } from './static-server.mjs';

const port = Number(process.env.PORT ?? 8000);
const { origin } = await startStaticServer({
  root: '.',
  port,
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`ig-explainer demo: ${origin}/demo/  (Ctrl+C stops it)`);
