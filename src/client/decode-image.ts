// Images by URL (or <img>) to ImageBitmaps the worker can take, with errors users can act on.
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
): Promise<ImageBitmap> {
  const attribute = ATTRIBUTE[role];
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'same-origin', signal });
  } catch (error) {
    if (signal.aborted) throw abortError();
    if (await answersWithoutCors(url, signal)) {
      throw new IgError(
        'image-tainted',
        `The ${role} ${url} comes from another origin without CORS headers, so its pixels ` +
          'cannot be read: serve it with Access-Control-Allow-Origin (e.g. "*"), or from this ' +
          "page's origin.",
        attribute,
      );
    }
    throw new IgError(
      'image-load',
      `Could not fetch the ${role} ${url} (${String(error)}): check the URL and the network.`,
      attribute,
    );
  }
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
    blob = await response.blob();
  } catch (error) {
    if (signal.aborted) throw abortError();
    throw new IgError(
      'image-load',
      `The download of the ${role} ${url} broke off (${String(error)}): try again.`,
      attribute,
    );
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
  return bitmap;
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
