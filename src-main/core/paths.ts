// Where the core keeps its data when not told otherwise: the same folder Electron uses as
// userData (<config dir>/Hostdeck), so both modes share one inventory.
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOSTDECK_DATA_DIR) return path.resolve(env.HOSTDECK_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Hostdeck');
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Hostdeck');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Hostdeck');
}

/** Expands a leading ~/ against the given home directory. */
export function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}
