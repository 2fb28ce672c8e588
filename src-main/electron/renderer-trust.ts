// Trust: what counts as "our renderer". The renderer is treated as untrusted throughout; this
// is the only check that decides whether a page is ours.
import { HOST, SCHEME } from './renderer-protocol';

/** True only for pages served by our own protocol handler. */
export function isOwnRendererUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${SCHEME}:` && parsed.host === HOST;
  } catch {
    return false;
  }
}
