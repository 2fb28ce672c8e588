// The shell functions every preparation task starts with. Each step checks first and changes
// only what is missing or different, printing "in place: …" or "changed: …"; a task that changed
// nothing ends with "already in place: nothing changed". Files are written only when their
// content differs (put), packages installed only when absent (need), daemons started only when
// not running (ensure_running). Without systemd (a container or a chroot) daemons are driven
// through their init scripts (`service`), which every Debian package used here ships.
import { shQuote } from '../ssh/sh-quote';

export const PRELUDE: readonly string[] = [
  'if [ "$(id -u)" != 0 ]; then echo "preparing a server needs root; this login is $(id -un): nothing was changed" >&2; exit 2; fi',
  'export DEBIAN_FRONTEND=noninteractive',
  'changed=0',
  'mark() { changed=1; echo "changed: $*"; }',
  "installed() { dpkg-query -W -f='${Status}' \"$1\" 2>/dev/null | grep -q 'install ok installed'; }",
  'apt_updated=',
  // Only when something is missing: a second run reads no package lists at all.
  'apt_install() {',
  "  if [ -z \"$apt_updated\" ]; then out=$(apt-get update -q 2>&1) || { printf '%s\\n' \"$out\" | tail -n 20 >&2; return 1; }; apt_updated=1; fi",
  "  out=$(apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \"$@\" 2>&1) || { printf '%s\\n' \"$out\" | tail -n 20 >&2; return 1; }",
  '}',
  'need() { miss=; for p in "$@"; do installed "$p" || miss="$miss $p"; done; if [ -z "$miss" ]; then echo "in place: packages $*"; else apt_install $miss || return $?; mark "installed$miss"; fi; }',
  'has_systemd() { [ -d /run/systemd/system ]; }',
  'svc() { if has_systemd; then systemctl "$1" "$2"; else service "$2" "$1"; fi >/dev/null 2>&1; }',
  'svc_running() { if has_systemd; then systemctl is-active -q "$1"; else service "$1" status >/dev/null 2>&1; fi; }',
  'ensure_running() {',
  '  if has_systemd && ! systemctl is-enabled -q "$1" 2>/dev/null; then systemctl enable -q "$1" || return $?; mark "$1 starts at boot"; fi',
  '  if svc_running "$1"; then echo "in place: $1 is running"; else svc start "$1" || { echo "$1 did not start" >&2; return 1; }; mark "$1 started"; fi',
  '}',
  // put FILE MODE < content: replaced (atomically, beside it) only when the content differs.
  'wrote=0',
  'put() {',
  '  tmp=$(mktemp "$1.hd-XXXXXX") || return $?; cat > "$tmp" || { rm -f "$tmp"; return 1; }',
  '  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; wrote=0; echo "in place: $1"; return 0; fi',
  '  chmod "$2" "$tmp" && mv -f "$tmp" "$1" || return $?; wrote=1; mark "$1 written"',
  '}',
];

export const EPILOGUE: readonly string[] = ['if [ "$changed" = 0 ]; then echo "already in place: nothing changed"; fi'];

/**
 * A file's content as a quoted here-document into put (the content is Hostdeck's own text, built
 * from validated values). `file` is a path (quoted here) or a shell word naming one ("$conf_dir/x").
 */
export function putFile(file: string | { word: string }, mode: string, content: string): string[] {
  if (content.includes('HOSTDECK_EOF')) throw new Error('file content may not hold the here-document mark');
  return [`put ${typeof file === 'string' ? shQuote(file) : file.word} ${mode} <<'HOSTDECK_EOF' || exit $?`, ...content.replace(/\n$/, '').split('\n'), 'HOSTDECK_EOF'];
}

export function script(lines: string[]): string {
  return `${[...PRELUDE, ...lines, ...EPILOGUE].join('\n')}\n`;
}
