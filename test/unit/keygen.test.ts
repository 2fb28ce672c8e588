// Hostdeck's own login keys always parse: ssh2's generator makes about one ed25519 pair in 256
// whose public key it cannot read back (leading zero bytes dropped), and a login with such a pair
// fails. 3,000 pairs would meet about a dozen of them.
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ed25519Pair } from '../../src-main/core/ssh/keygen';

describe('ed25519Pair', () => {
  it('makes pairs whose both halves parse, with a 32-byte public key', () => {
    for (let i = 0; i < 3000; i++) {
      const pair = ed25519Pair(i % 2 ? 'hostdeck-test' : undefined);
      const pub = ssh2.utils.parseKey(pair.public);
      const priv = ssh2.utils.parseKey(pair.private);
      if (pub instanceof Error || priv instanceof Error) throw new Error(`pair ${i} does not parse`);
      const blob = (Array.isArray(pub) ? pub[0]! : pub).getPublicSSH();
      // string "ssh-ed25519" (4 + 11 bytes), then the key as a string: 4 + 32 bytes.
      expect(blob.length).toBe(4 + 11 + 4 + 32);
    }
  });
});
