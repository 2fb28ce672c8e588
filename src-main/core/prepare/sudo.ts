// Preparing a server needs root. Where Hostdeck logs in as another user, each task's script goes
// through sudo as that sudo's stdin (`sudo -n sh -s`), never on a command line. Where sudo asks
// for a password and Hostdeck logs in with a password kept in the keychain, that password goes
// first on the same stdin, read by `sudo -S` (no prompt; -k: never a cached ticket, so sudo always
// reads that line and the shell never sees it). The password is checked alone first, so a wrong
// one makes sudo read nothing of the script. Otherwise the task fails saying what to set up.

export type Login = {
  user: string;
  /** The login password (password logins, from the keychain); null where Hostdeck has none. */
  password: string | null;
};

export type RootRun = {
  /** What the worker shell runs as the login. */
  script: string;
  /** The script's stdin: the task's own script (after the password line where sudo -S reads it). */
  stdin?: string;
};

const NO_SUDO = 'command -v sudo >/dev/null 2>&1 || { echo "this login ($(id -un)) is not root and sudo is not installed: install sudo and let $(id -un) use it, or log in as root; nothing was changed" >&2; exit 2; }';

/** The lines the login runs; they read the task's script (and, with a password, the line before it) from stdin. */
export function sudoLines(user: string, withPassword: boolean): string[] {
  const head = `# ${user} is not root: the script below runs as root through sudo, given on sudo's stdin`;
  if (!withPassword) {
    return [
      head,
      NO_SUDO,
      'sudo -n true 2>/dev/null || { echo "sudo asks $(id -un) for a password, and Hostdeck has none to give it (it logs in by key, or the login password is not kept): let $(id -un) use sudo without a password (a line \\"$(id -un) ALL=(ALL) NOPASSWD: ALL\\" in /etc/sudoers.d/), or log in as root; nothing was changed" >&2; exit 2; }',
      'exec sudo -n sh -s',
    ];
  }
  return [
    `${head} (the login password, kept in the keychain, first on that stdin when sudo asks for it)`,
    'IFS= read -r hd_pw || exit 2',
    NO_SUDO,
    'if sudo -n true 2>/dev/null; then exec sudo -n sh -s; fi',
    'printf \'%s\\n\' "$hd_pw" | sudo -S -k -p \'\' true 2>/dev/null || { echo "sudo did not take $(id -un)\'s login password (may $(id -un) use sudo?); nothing was changed" >&2; exit 2; }',
    '{ printf \'%s\\n\' "$hd_pw"; cat; } | sudo -S -k -p \'\' sh -s',
  ];
}

/** The commands shown for a task that runs as `user`: exactly what runs, the password only as a variable. */
export function shownAs(user: string, withPassword: boolean, lines: readonly string[]): string[] {
  if (user === 'root') return [...lines];
  return [...sudoLines(user, withPassword), '# the script sudo runs:', ...lines];
}

/** How a task's script runs for this login: as it is for root, through sudo otherwise. */
export function asRoot(login: Login, script: string): RootRun {
  if (login.user === 'root') return { script };
  const withPassword = login.password !== null;
  return {
    script: `${sudoLines(login.user, withPassword).join('\n')}\n`,
    stdin: withPassword ? `${login.password}\n${script}` : script,
  };
}
