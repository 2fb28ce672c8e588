// Ed25519 key pairs for the logins Hostdeck sets up itself (a site's file manager login, a backup
// server's SFTP login). ssh2's generator strips leading zero bytes from the raw public key, so
// about one pair in 256 comes out with a public key shorter than 32 bytes: ssh2 cannot parse it
// back, and the login it was made for fails ("all configured authentication methods failed").
// Such a pair is made again.
import ssh2 from 'ssh2';

export type KeyPair = { private: string; public: string };

/** A pair both halves of which parse, so the server and ssh2 read the same key. */
export function ed25519Pair(comment?: string): KeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment === undefined ? undefined : { comment });
    if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}
