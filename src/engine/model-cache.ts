// Downloaded models kept in IndexedDB, keyed by the URL they came from, so a second visit loads
// without the network. tf.io's IndexedDB handler stores whole ModelArtifacts (topology, weights,
// format, signature), which serves graph and layers models alike.
import * as tf from '@tensorflow/tfjs';

const SCHEME = 'indexeddb://';
const PREFIX = 'ig-explainer:';

/** Encoded: tf.io's model management splits keys at '://'. */
function cacheKey(url: string): string {
  return `${SCHEME}${PREFIX}${encodeURIComponent(url)}`;
}

function cacheAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

/** The cached artifacts of the model from `url`, or null when none are cached (or no IndexedDB). */
export async function readCachedModel(url: string): Promise<tf.io.ModelArtifacts | null> {
  if (!cacheAvailable()) return null;
  try {
    const [handler] = tf.io.getLoadHandlers(cacheKey(url));
    if (!handler?.load) return null;
    const artifacts = await handler.load();
    return artifacts.modelTopology && artifacts.weightData ? artifacts : null;
  } catch {
    // Not cached (the handler throws), or a broken or blocked database: a miss, never a failure.
    return null;
  }
}

/** Stores the artifacts of the model from `url`; quota or privacy-mode failures are ignored. */
export async function writeCachedModel(
  url: string,
  artifacts: tf.io.ModelArtifacts,
): Promise<boolean> {
  if (!cacheAvailable()) return false;
  try {
    const [handler] = tf.io.getSaveHandlers(cacheKey(url));
    if (!handler?.save) return false;
    // The handler joins weightData in place: give it a copy of the record.
    await handler.save({ ...artifacts });
    return true;
  } catch {
    return false;
  }
}

/** Removes the cached model from `url`, if any. */
export async function deleteCachedModel(url: string): Promise<void> {
  if (!cacheAvailable()) return;
  try {
    await tf.io.removeModel(cacheKey(url));
  } catch {
    // Nothing cached, or no database: nothing to remove.
  }
}
