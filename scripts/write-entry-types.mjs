// dist/ig-explainer.d.ts: the bundle's types are those of src/index.ts.
import { writeFileSync } from 'node:fs';

writeFileSync('dist/ig-explainer.d.ts', "export * from './types/index.js';\n");
