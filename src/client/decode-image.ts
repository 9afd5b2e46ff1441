// Images by URL (or <img>) to ImageBitmaps the worker can take, with errors users can act on.
import {
  FetchFailed,
  boundedFetch,
  describeFailure,
  type BoundedResponse,
} from '../shared/bounded-fetch.js';
import { IgError, abortError } from '../shared/types.js';

export type ImageRole = 'image' | 'baseline';

const ATTRIBUTE: Record<ImageRole, string> = { image: 'src', baseline: 'baseline' };

/** The absolute URL of an image given as a URL or as an <img> element. */
export function imageUrl(image: string | HTMLImageElement): string {
  const raw = typeof image === 'string' ? image : image.currentSrc || image.src;
  return new URL(raw, document.baseURI).href;
}

/**
 * Fetches `url` (CORS mode, so its pixels may be read) and decodes it with createImageBitmap.
 * Throws IgError `image-tainted` when the server answers but without CORS headers (an opaque
 * `no-cors` fetch succeeds where the CORS one failed), `image-load` for anything else.
 */
export async function decodeImage(
  url: string,
  role: ImageRole,
  signal: AbortSignal,
  stallMs?: number,
  /** The file's bytes once downloaded (the client hashes the image for exportResult()). */
  onBytes?: (bytes: Uint8Array<ArrayBuffer>) => void,
): Promise<ImageBitmap> {
  const attribute = ATTRIBUTE[role];
  let answer: BoundedResponse;
  try {
    answer = await boundedFetch(url, {
      signal,
      stallMs,
      init: { mode: 'cors', credentials: 'same-origin' },
    });
  } catch (error) {
    if (signal.aborted) throw abortError();
    if (!(error instanceof FetchFailed)) throw error;
    if (error.failure.kind === 'network' && (await answersWithoutCors(url, signal))) {
      throw new IgError(
        'image-tainted',
        `The ${role} ${url} comes from another origin without CORS headers, so its pixels ` +
          'cannot be read: serve it with Access-Control-Allow-Origin (e.g. "*"), or from this ' +
          "page's origin.",
        attribute,
      );
    }
    throw downloadError(error, role, attribute);
  }
  const { response } = answer;
  if (!response.ok) {
    throw new IgError(
      'image-load',
      `The server answered ${response.status} ${response.statusText} for the ${role} ${url}: ` +
        `check ${attribute}.`,
      attribute,
    );
  }
  let blob: Blob;
  try {
    const type = response.headers.get('content-type') ?? '';
    const bytes = await answer.bytes();
    onBytes?.(bytes);
    blob = new Blob([bytes], { type });
  } catch (error) {
    if (signal.aborted) throw abortError();
    if (!(error instanceof FetchFailed)) throw error;
    throw downloadError(error, role, attribute);
  }
  if (signal.aborted) throw abortError();
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    const type = blob.type || 'an unknown type';
    const hint = /svg/i.test(type)
      ? 'SVG images cannot be decoded into pixels here: give a PNG, JPEG, WebP or GIF.'
      : `give a PNG, JPEG, WebP or GIF image in ${attribute}.`;
    throw new IgError(
      'image-load',
      `The ${role} ${url} (${type}, ${blob.size} bytes) is not an image this browser can ` +
        `decode: ${hint}`,
      attribute,
    );
  }
  if (signal.aborted) {
    bitmap.close();
    throw abortError();
  }
  if (bitmap.width === 0 || bitmap.height === 0) {
    bitmap.close();
    throw new IgError(
      'image-load',
      `The ${role} ${url} has no pixels (0x0): give an image of at least 1x1 pixel.`,
      attribute,
    );
  }
  return scaleDown(bitmap, signal);
}

/**
 * Images whose longer side exceeds MAX_IMAGE_SIDE are scaled down to it, aspect kept, before they
 * cross to the worker: no model input is near that size (224 to 512 px), and a camera photo
 * (8000x6000: 192 MB of RGBA) would otherwise be copied to the worker whole. The same bound as
 * the worker's (src/engine/image.ts MAX_IMAGE_SIDE), which then has nothing left to do.
 */
export const MAX_IMAGE_SIDE = 1024;

/** The size `width` x `height` is brought to (unchanged when within the bound). */
export function boundedSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(width, height));
  if (scale === 1) return { width, height };
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

async function scaleDown(bitmap: ImageBitmap, signal: AbortSignal): Promise<ImageBitmap> {
  const size = boundedSize(bitmap.width, bitmap.height);
  if (size.width === bitmap.width && size.height === bitmap.height) return bitmap;
  const scaled = await createImageBitmap(bitmap, {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'high',
  }).finally(() => bitmap.close());
  if (signal.aborted) {
    scaled.close();
    throw abortError();
  }
  return scaled;
}

function downloadError(error: FetchFailed, role: ImageRole, attribute: string): IgError {
  const advice =
    error.failure.kind === 'stall'
      ? 'check that the server sends the whole file, or raise IgExplainer.stallTimeout for a ' +
        'slow network.'
      : error.failure.kind === 'network'
        ? 'check the URL and the network.'
        : 'try again.';
  return new IgError(
    'image-load',
    `The download of the ${role} ${error.url} ${describeFailure(error.failure)}: ${advice}`,
    attribute,
  );
}

/** True when the server answers a `no-cors` request: the CORS failure was missing headers. */
async function answersWithoutCors(url: string, signal: AbortSignal): Promise<boolean> {
  if (new URL(url).origin === location.origin) return false;
  try {
    const opaque = await fetch(url, { mode: 'no-cors', credentials: 'omit', signal });
    return opaque.type === 'opaque';
  } catch {
    return false;
  }
}
