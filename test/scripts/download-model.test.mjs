// node --test: the self-hosting download command against a plain local server.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { downloadModel, modelJsonUrl } from '../../scripts/download-model.mjs';
import { startStaticServer } from '../../scripts/static-server.mjs';

let server;
before(async () => {
  server = await startStaticServer({ root: 'test/fixtures/models' });
});
after(() => server.close());

test('TF Hub handles resolve to model.json with the tfjs-format query, other URLs stay', () => {
  assert.equal(
    modelJsonUrl(
      'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1',
    ),
    'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1/model.json?tfjs-format=file',
  );
  assert.equal(
    modelJsonUrl('https://example.org/m/model.json'),
    'https://example.org/m/model.json',
  );
});

test('downloads model.json and all 8 shards, byte for byte, keeping the query on shards', async () => {
  const out = await mkdtemp(join(tmpdir(), 'ig-dl-'));
  const { files } = await downloadModel(
    `${server.origin}/sharded-8/model.json?tfjs-format=file`,
    out,
    () => {},
  );
  assert.equal(files.length, 9);
  const written = (await readdir(out)).sort();
  const source = (await readdir('test/fixtures/models/sharded-8')).filter((f) =>
    f.endsWith('.bin'),
  );
  for (const shard of source) {
    assert.ok(written.includes(shard), `${shard} written`);
    assert.deepEqual(
      await readFile(join(out, shard)),
      await readFile(join('test/fixtures/models/sharded-8', shard)),
    );
  }
});

test('a missing model says what the server answered', async () => {
  const out = await mkdtemp(join(tmpdir(), 'ig-dl-'));
  await assert.rejects(
    downloadModel(`${server.origin}/nope/model.json`, out, () => {}),
    /answered 404/,
  );
});
