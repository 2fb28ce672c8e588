// Reads the MySQL client login from an option file (~/.my.cnf): the [client] section, then
// [mysql] overriding it, as the mysql CLI does. Pure: the file arrives over SSH.
export type MyCnfLogin = { user: string | null; password: string | null; host: string | null; port: number | null; socket: string | null };

export function parseMyCnf(text: string): MyCnfLogin {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim().toLowerCase();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim().toLowerCase().replace(/-/g, '_');
    let value = eq < 0 ? '' : line.slice(eq + 1).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    current.set(key, value);
  }
  const merged = new Map([...(sections.get('client') ?? []), ...(sections.get('mysql') ?? [])]);
  const port = merged.get('port');
  return {
    user: merged.get('user') ?? null,
    password: merged.get('password') ?? null,
    host: merged.get('host') ?? null,
    port: port && /^\d+$/.test(port) ? Number(port) : null,
    socket: merged.get('socket') ?? null,
  };
}
