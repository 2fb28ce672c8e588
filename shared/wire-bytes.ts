// Calls whose input holds bytes (Uint8Array: file content of an upload) travel over the
// browser-mode WebSocket as one binary frame instead of JSON text, so file content is neither
// base64-encoded by the window nor decoded and checked by the core. Electron's MessagePort
// carries Uint8Array as it is and needs none of this.
//
// Frame: 4-byte big-endian length of a UTF-8 JSON text, the text, then the byte blocks one after
// another. In the JSON each Uint8Array is `{"$bytes": i}`: the i-th block, whose lengths are in
// the JSON's `sizes`.
const TAG = '$bytes';

/** The message as JSON text, or as a binary frame when it holds bytes. */
export function encodeFrame(message: unknown): string | Uint8Array {
  const blocks: Uint8Array[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return { [TAG]: blocks.push(value) - 1 };
    return value;
  });
  if (blocks.length === 0) return json;
  const head = new TextEncoder().encode(JSON.stringify({ sizes: blocks.map((b) => b.byteLength), json }));
  const out = new Uint8Array(4 + head.byteLength + blocks.reduce((n, b) => n + b.byteLength, 0));
  new DataView(out.buffer).setUint32(0, head.byteLength);
  out.set(head, 4);
  let at = 4 + head.byteLength;
  for (const b of blocks) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/** The message of a binary frame (its blocks as views into `frame`); throws on a malformed frame. */
export function decodeBytesFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new Error('Short frame');
  const headLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
  if (4 + headLength > frame.byteLength) throw new Error('Frame head past its end');
  const head = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(4, 4 + headLength))) as { sizes?: unknown; json?: unknown };
  const { sizes, json } = head;
  if (!Array.isArray(sizes) || typeof json !== 'string' || !sizes.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error('Malformed frame head');
  const blocks: Uint8Array[] = [];
  let at = 4 + headLength;
  for (const n of sizes as number[]) {
    if (at + n > frame.byteLength) throw new Error('Frame blocks past its end');
    blocks.push(frame.subarray(at, at + n));
    at += n;
  }
  if (at !== frame.byteLength) throw new Error('Bytes after the frame’s blocks');
  return JSON.parse(json, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && TAG in value) {
      const i = (value as Record<string, unknown>)[TAG];
      if (typeof i !== 'number' || !blocks[i]) throw new Error('Unknown block');
      return blocks[i];
    }
    return value;
  }) as unknown;
}
