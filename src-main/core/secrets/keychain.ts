// Secrets live only in the OS keychain, through keytar's API. We use @napi-rs/keyring's
// keytar-compatible module: keytar itself is archived, and napi-rs ships prebuilt N-API
// binaries inside registry packages (no native build, loads on any Node/Electron ABI).
// Where no keychain answers, secrets stay in this process's memory for the session only.
export interface Keychain {
  readonly kind: 'os' | 'memory';
  /** Why the OS keychain is not used, in one sentence; null when it is. */
  readonly note: string | null;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
  /** The accounts held whose name starts with `prefix` (names only). */
  accounts(prefix: string): Promise<string[]>;
}

export const SERVICE = 'Hostdeck';

type KeytarApi = typeof import('@napi-rs/keyring/keytar.js');

export async function openKeychain(): Promise<Keychain> {
  try {
    const keytar: KeytarApi = await import('@napi-rs/keyring/keytar.js');
    await keytar.findCredentials(SERVICE);
    return {
      kind: 'os',
      note: null,
      get: (account) => keytar.getPassword(SERVICE, account),
      set: (account, secret) => keytar.setPassword(SERVICE, account, secret),
      delete: async (account) => void (await keytar.deletePassword(SERVICE, account)),
      accounts: async (prefix) => (await keytar.findCredentials(SERVICE)).map((c) => c.account).filter((a) => a.startsWith(prefix)),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return memoryKeychain(`No OS keychain is available (${reason}); passwords (also those of queued tasks) are kept in memory for this session only.`);
  }
}

export function memoryKeychain(note: string): Keychain {
  const secrets = new Map<string, string>();
  return {
    kind: 'memory',
    note,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => void secrets.delete(account),
    accounts: async (prefix) => [...secrets.keys()].filter((a) => a.startsWith(prefix)),
  };
}
