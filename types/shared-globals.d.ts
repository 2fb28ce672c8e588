// The web globals the contract uses, which both of its hosts have (node and the page), declared
// here because shared/ is compiled without the DOM's and node's own declarations.
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
  }
}

export {};
