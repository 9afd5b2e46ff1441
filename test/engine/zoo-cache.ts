// The zoo's cached models (`.cache/zoo/`, filled by the zoo script), for the engine's tests.

/** The model.json URL of the cached zoo model `name`. */
export const cachedZooUrl = (name: string): string =>
  new URL(`/.cache/zoo/${name}/model.json`, location.href).href;

/** Skips the running test, saying why, where `name` is not in the zoo's cache. */
export async function skipUnlessCached(test: Mocha.Context, name: string): Promise<void> {
  const present = await fetch(cachedZooUrl(name), { method: 'HEAD' }).then(
    (r) => r.ok,
    () => false,
  );
  if (!present) {
    console.log(`skipped ${name}: not in .cache/zoo (run the zoo script to fetch it)`);
    test.skip();
  }
}
