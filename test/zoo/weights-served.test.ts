// Every zoo model's weight files reach the page byte for byte. The test dev server once re-encoded
// some uint8 shards as UTF-8 text (modernweb-dev/web#2984; scripts/wtr-binary.mjs now serves .bin
// files itself): nsfw-inception-v3's six shards came as 27,814,746 bytes where model.json's
// shapes need 22,360,869, and TF.js read garbage weights whose activations overflowed float32.
import { expect } from '@open-wc/testing';
import { fetchModelArtifacts } from '../../src/engine/model-fetch.js';
import { zooModels, zooUrl } from './helpers.js';

const MODELS = await zooModels();

describe('zoo: weight files as served', () => {
  for (const model of MODELS) {
    it(`${model.name}: the shards hold exactly the bytes model.json's manifest lists`, async () => {
      // The engine's own fetch checks each group's size against the manifest (model-load if not).
      const artifacts = await fetchModelArtifacts(zooUrl(model));
      const data = artifacts.weightData!;
      const received = (Array.isArray(data) ? data : [data]).reduce((s, b) => s + b.byteLength, 0);
      const json = (await (await fetch(zooUrl(model))).json()) as {
        weightsManifest: Array<{ paths: string[] }>;
      };
      let onDisk = 0;
      for (const path of json.weightsManifest.flatMap((g) => g.paths)) {
        const head = await fetch(new URL(path, zooUrl(model)), { method: 'HEAD' });
        onDisk += Number(head.headers.get('content-length'));
      }
      expect(received).to.equal(onDisk);
      expect(received).to.be.greaterThan(0);
    });
  }
});
