// `npm run bundler-apps`: packs the package (npm pack, from the built dist/) and installs the
// tarball into two fresh apps, one built by Vite and one by webpack 5, both in production mode
// with no configuration for ig-explainer's assets. The apps live in .cache/bundler-apps/ (their
// bundler installs are kept between runs; npm's own cache serves the rest), and their output,
// served by the test server, is what test/bundle/bundler-apps.test.ts opens: an explanation on
// the shipped shapes model must run on WASM in a worker.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, '.cache', 'bundler-apps');
const APP = join(ROOT, 'test', 'bundle', 'bundler-app');
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
// The repo's own Vite; webpack 5 from the registry.
const BUNDLERS = {
  vite: { vite: rootPackage.devDependencies.vite },
  webpack: { webpack: '^5.100.0' },
};

const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

function pack() {
  if (!existsSync(join(ROOT, 'dist', 'ig-explainer.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first.');
  }
  mkdirSync(OUT, { recursive: true });
  const [{ filename }] = JSON.parse(
    npm(['pack', '--json', '--ignore-scripts', '--pack-destination', OUT], ROOT),
  );
  return join(OUT, filename);
}

/** The app's sources, its public files (model, image) and its bundler installed. */
function scaffold(name, tarball) {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `ig-${name}-app`, private: true, type: 'module' }, null, 2)}\n`,
  );
  cpSync(join(APP, 'main.js'), join(dir, 'main.js'));
  const publicDir = join(dir, 'public');
  rmSync(publicDir, { recursive: true, force: true });
  cpSync(join(ROOT, 'demo', 'models', 'shapes'), join(publicDir, 'models', 'shapes'), {
    recursive: true,
  });
  cpSync(join(ROOT, 'demo', 'images', 'shapes', 'star.png'), join(publicDir, 'star.png'));
  // A fresh copy of the package each run (same version, new contents).
  rmSync(join(dir, 'node_modules', 'ig-explainer'), { recursive: true, force: true });
  const deps = Object.entries(BUNDLERS[name]).map(([pkg, range]) => `${pkg}@${range}`);
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--save', tarball, ...deps], dir);
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  return dir;
}

const VITE_CONFIG = `export default {
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
};
`;

const WEBPACK_BUILD = `import { cpSync } from 'node:fs';
import webpack from 'webpack';

webpack(
  {
    mode: 'production',
    context: import.meta.dirname,
    entry: './main.js',
    output: { path: import.meta.dirname + '/dist', clean: true },
  },
  (error, stats) => {
    if (error || stats.hasErrors()) {
      console.error(error ?? stats.toString('errors-only'));
      process.exit(1);
    }
    cpSync('public', 'dist', { recursive: true });
    cpSync('index.html', 'dist/index.html');
  },
);
`;

function html(script) {
  return readFileSync(join(APP, 'index.html'), 'utf8').replace(
    '<script type="module" src="./main.js"></script>',
    script,
  );
}

const tarball = pack();
console.log(`packed ${tarball}`);

const vite = scaffold('vite', tarball);
writeFileSync(join(vite, 'vite.config.mjs'), VITE_CONFIG);
writeFileSync(join(vite, 'index.html'), html('<script type="module" src="./main.js"></script>'));
execFileSync('npx', ['vite', 'build'], { cwd: vite, stdio: 'inherit' });
console.log(`built ${join(vite, 'dist')}`);

const wp = scaffold('webpack', tarball);
writeFileSync(join(wp, 'build.mjs'), WEBPACK_BUILD);
writeFileSync(join(wp, 'index.html'), html('<script defer src="main.js"></script>'));
execFileSync('node', ['build.mjs'], { cwd: wp, stdio: 'inherit' });
console.log(`built ${join(wp, 'dist')}`);
