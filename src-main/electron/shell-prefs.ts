// Shell preferences: the window's bounds and the theme, nothing the core owns. Stored with
// electron-store, which is ESM-only, so it is loaded with a dynamic import that esbuild leaves as
// import() in the CJS bundle and Electron resolves from node_modules at run time.
import { ipcMain } from 'electron';

export type Theme = 'system' | 'light' | 'dark';
export type WindowState = { x?: number; y?: number; width: number; height: number; maximized: boolean };
type ShellPrefs = { window: WindowState; theme: Theme };

const DEFAULT_PREFS: ShellPrefs = { window: { width: 1280, height: 800, maximized: false }, theme: 'system' };

export interface PrefStore {
  get<K extends keyof ShellPrefs>(key: K): ShellPrefs[K];
  set<K extends keyof ShellPrefs>(key: K, value: ShellPrefs[K]): void;
}

/** Needs the app to be ready (electron-store reads app paths). Falls back to defaults in memory. */
export async function openPrefs(): Promise<PrefStore> {
  try {
    const { default: Store } = await import('electron-store');
    const store = new Store<ShellPrefs>({ name: 'shell-preferences', defaults: DEFAULT_PREFS, clearInvalidConfig: true });
    // electron-store installs an ipcMain listener ('electron-store-get-data') for renderer-side
    // stores, which answers any sender without checking it. No renderer of ours uses it: drop it.
    ipcMain.removeAllListeners('electron-store-get-data');
    return {
      get: (key) => sanitize(key, store.get(key)),
      set: (key, value) => store.set({ [key]: value } as Partial<ShellPrefs>),
    };
  } catch (error) {
    console.error(`[hostdeck] shell preferences unavailable, using defaults: ${String(error)}`);
    const memory: ShellPrefs = structuredClone(DEFAULT_PREFS);
    return { get: (key) => memory[key], set: (key, value) => void (memory[key] = value) };
  }
}

/** The file is the user's to edit: never trust its shape. */
function sanitize<K extends keyof ShellPrefs>(key: K, value: unknown): ShellPrefs[K] {
  if (key === 'theme') {
    return (value === 'light' || value === 'dark' || value === 'system' ? value : DEFAULT_PREFS.theme) as ShellPrefs[K];
  }
  const v = (value ?? {}) as Partial<Record<keyof WindowState, unknown>>;
  const num = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : undefined);
  const state: WindowState = {
    width: Math.max(800, Math.min(10_000, num(v.width) ?? DEFAULT_PREFS.window.width)),
    height: Math.max(560, Math.min(10_000, num(v.height) ?? DEFAULT_PREFS.window.height)),
    maximized: v.maximized === true,
  };
  const x = num(v.x);
  const y = num(v.y);
  if (x !== undefined && y !== undefined) Object.assign(state, { x, y });
  return state as ShellPrefs[K];
}
