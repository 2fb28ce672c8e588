// The browser-mode WebSocket's binary frames: a call carrying bytes (a tree upload's file content)
// round-trips as it is; plain calls stay JSON text; malformed frames are refused.
import { describe, expect, it } from 'vitest';
import { decodeBytesFrame, encodeFrame } from '../../shared/wire-bytes';

describe('binary frames of the WebSocket transport', () => {
  it('carries Uint8Array values as they are, in place, and leaves calls without bytes as JSON', () => {
    const a = new Uint8Array([0, 1, 2, 255]);
    const b = new Uint8Array(70_000).map((_, i) => i % 251);
    const message = { kind: 'call', id: 7, method: 'files.treeAdd', input: { uploadId: 'u', seq: 3, items: [{ path: 'ü/$(x).txt', data: a }, { path: 'b', data: b }, { path: 'e', data: new Uint8Array(0) }] } };
    const frame = encodeFrame(message);
    expect(frame).toBeInstanceOf(Uint8Array);
    const back = decodeBytesFrame(frame as Uint8Array) as typeof message;
    expect(back.input.items.map((i) => Buffer.from(i.data).toString('hex'))).toEqual([a, b, new Uint8Array(0)].map((x) => Buffer.from(x).toString('hex')));
    expect({ ...back, input: { ...back.input, items: back.input.items.map((i) => i.path) } }).toEqual({ ...message, input: { ...message.input, items: ['ü/$(x).txt', 'b', 'e'] } });
    expect(encodeFrame({ kind: 'call', id: 1, method: 'files.open', input: { site: 'x' } })).toBe('{"kind":"call","id":1,"method":"files.open","input":{"site":"x"}}');
  });

  it('refuses frames that are short, overrun their blocks, name unknown blocks or carry extra bytes', () => {
    const good = encodeFrame({ input: { data: new Uint8Array([1, 2, 3]) } }) as Uint8Array;
    const head = (h: unknown, tail: number[] = []) => {
      const text = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(4 + text.length + tail.length);
      new DataView(out.buffer).setUint32(0, text.length);
      out.set(text, 4);
      out.set(tail, 4 + text.length);
      return out;
    };
    expect(() => decodeBytesFrame(new Uint8Array([0, 0]))).toThrow();
    expect(() => decodeBytesFrame(good.subarray(0, good.length - 1))).toThrow();
    expect(() => decodeBytesFrame(new Uint8Array([...good, 9]))).toThrow();
    expect(() => decodeBytesFrame(head({ sizes: [1], json: '{"d":{"$bytes":1}}' }, [5]))).toThrow();
    expect(() => decodeBytesFrame(head({ sizes: [-1], json: '{}' }))).toThrow();
    expect(() => decodeBytesFrame(head({ sizes: [1], json: 7 }, [5]))).toThrow();
    expect(() => decodeBytesFrame(new Uint8Array([255, 255, 255, 255, 1]))).toThrow();
    expect(decodeBytesFrame(head({ sizes: [1], json: '{"d":{"$bytes":0},"e":{"$bytes":0,"x":1}}' }, [5]))).toEqual({ d: new Uint8Array([5]), e: { $bytes: 0, x: 1 } });
  });
});
