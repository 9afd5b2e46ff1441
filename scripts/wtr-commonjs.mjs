// Serves the few CommonJS files TF.js (and the ImageNet label list) import as ES modules in the
// test dev server. @rollup/plugin-commonjs cannot do this file by file: it relies on Rollup's
// synthetic named exports, so `import * as seedrandom from 'seedrandom'; seedrandom.alea`
// finds nothing. Here the export names come from loading the file in Node, and relative
// require() calls become imports of files that this plugin serves the same way.
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['default', 'delete', 'new', 'class', 'function', 'var', 'let', 'const']);

/** @param {{ include: RegExp, rootDir?: string }} options */
export function commonjsToEsm({ include, rootDir = process.cwd() }) {
  return {
    name: 'commonjs-to-esm',
    transform(context) {
      if (!include.test(context.path)) return undefined;
      const file = join(rootDir, decodeURIComponent(context.path));
      const exported = require(file);
      const names =
        exported && (typeof exported === 'object' || typeof exported === 'function')
          ? Object.keys(exported).filter((n) => IDENTIFIER.test(n) && !RESERVED.has(n))
          : [];
      const imports = [];
      let body = context.body.replace(/\brequire\((['"])([^'"]+)\1\)/g, (call, _q, specifier) => {
        if (isBuiltin(specifier)) {
          // Node-only fallbacks (seedrandom's crypto) sit in try blocks: fail them the same way.
          return `(() => { throw new Error('${specifier} is not available in the browser'); })()`;
        }
        if (!specifier.startsWith('.')) return call;
        const name = `__cjs${imports.length}`;
        const path = specifier.endsWith('.js') ? specifier : `${specifier}.js`;
        imports.push(`import ${name} from '${path}';`);
        return name;
      });
      body = [
        ...imports,
        'const module = { exports: {} };',
        'let exports = module.exports;',
        body,
        'export default module.exports;',
        // Fresh bindings, exported under the CommonJS names: the body may declare those names.
        ...names.map((n, i) => `const __named${i} = module.exports.${n};`),
        names.length ? `export { ${names.map((n, i) => `__named${i} as ${n}`).join(', ')} };` : '',
      ].join('\n');
      return { body };
    },
  };
}
