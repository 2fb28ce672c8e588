// A server's health reason in the UI's language. The core words it in English ("Load 4.01 is over
// 2× its 2 CPUs; / is 97% full."); the parts it is made of are recognised here and worded again,
// any other part (and any other reason) stays as the core wrote it.
import { currentLanguage, i18n } from '../i18n';
import { formatNumber } from '../i18n/format';

const t = (key: string, params: Record<string, unknown> = {}): string => i18n.t(key, params);
/** "nginx, php-fpm and mariadb" as the core lists names, back to the names. */
const names = (text: string) => text.split(/, | and /);
const listed = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : t('{{items}} and {{last}}', { items: items.slice(0, -1).join(', '), last: items.at(-1) }));
const num = (text: string) => formatNumber(Number(text));

const WHOLE: Record<string, () => string> = {
  'All checks passed.': () => t('All checks passed.'),
  'Not checked yet.': () => t('Not checked yet.'),
  'Host key not yet confirmed; test the connection to confirm it.': () => t('Host key not yet confirmed; test the connection to confirm it.'),
  'Needs an interactive login (a password or code typed in); health is checked while you are logged in, e.g. in a terminal.': () =>
    t('Needs an interactive login (a password or code typed in); health is checked while you are logged in, e.g. in a terminal.'),
  'The check script did not run to its end; is this a Linux server with a POSIX sh?': () => t('The check script did not run to its end; is this a Linux server with a POSIX sh?'),
};

/** A health limit's metric as the core words it (samples-thresholds.ts), in the UI's language. */
const METRICS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^load ([\d.]+)$/i, (m) => t('load {{load}}', { load: formatNumber(Number(m[1]), { minimumFractionDigits: 2, maximumFractionDigits: 2 }) })],
  [/^memory (\d+)% used$/i, (m) => t('memory {{pct}}% used', { pct: m[1] })],
  [/^fullest disk (\d+)% used$/i, (m) => t('fullest disk {{pct}}% used', { pct: m[1] })],
  [/^nearest certificate expiry in (-?\d+) days$/i, (m) => t('nearest certificate expiry in {{count, number}} days', { count: Number(m[1]) })],
  [/^last backup (\d+) h ago$/i, (m) => t('last backup {{hours}} h ago', { hours: m[1] })],
];
const metric = (text: string): string | null => {
  for (const [pattern, word] of METRICS) {
    const m = text.match(pattern);
    if (m) return word(m);
  }
  return null;
};
const limitText = (n: string, unit: string | undefined) => (unit === ' days' ? t('{{count, number}} days', { count: Number(n) }) : unit === ' h' ? t('{{hours}} h', { hours: n }) : `${num(n)}${unit ?? ''}`);

/** "fullest disk 93% used, over the db servers' limit of 90%": a limit a server's latest sample breaks. */
function breach(m: RegExpMatchArray): string {
  const [, what = '', side, role, n = '', unit] = m;
  const worded = metric(what);
  if (worded === null) return m[0];
  const values = { what: worded, limit: limitText(n, unit), role };
  if (role) return side === 'over' ? t("{{what}}, over the {{role}} servers' limit of {{limit}}", values) : t("{{what}}, under the {{role}} servers' limit of {{limit}}", values);
  return side === 'over' ? t('{{what}}, over the fleet limit of {{limit}}', values) : t('{{what}}, under the fleet limit of {{limit}}', values);
}

const PARTS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^the certificate of (\S+) \(site (\S+)\) has expired$/i, (m) => t('the certificate of {{domain}} (site {{site}}) has expired', { domain: m[1], site: m[2] })],
  [/^the certificate of (\S+) \(site (\S+)\) expires in (\d+) days?$/i, (m) => t('the certificate of {{domain}} (site {{site}}) expires in {{count, number}} days', { domain: m[1], site: m[2], count: Number(m[3]) })],
  [/^site (\S+) has no successful backup yet$/i, (m) => t('site {{site}} has no successful backup yet', { site: m[1] })],
  [/^the last backup of site (\S+) is (\d+) h old \(its policy allows (\d+) h\)$/i, (m) => t('the last backup of site {{site}} is {{hours}} h old (its policy allows {{allowed}} h)', { site: m[1], hours: m[2], allowed: m[3] })],
  [/^(.+), (over|under) the (?:fleet|(\w+) servers') limit of ([\d.]+)( days| h|%)?$/i, breach],
  [/^(.+) (?:is|are) not running$/i, (m) => t('Not running: {{names}}', { names: listed(names(m[1]!)) })],
  [/^whether (.+) runs? is unknown \(ps did not answer\)$/i, (m) => t('Unknown whether {{names}} run (ps did not answer)', { names: listed(names(m[1]!)) })],
  [/^(\S+) is (\d+)% full$/i, (m) => t('{{mount}} is {{pct}}% full', { mount: m[1], pct: m[2] })],
  [/^only ([\d.]+)% of memory is available$/i, (m) => t('only {{pct}}% of memory is available', { pct: num(m[1]!) })],
  [/^load ([\d.]+) is over (\d+)× its (\d+) CPUs?$/i, (m) => t('load {{load}} is over {{times}}× its {{count, number}} CPUs', { load: formatNumber(Number(m[1]), { minimumFractionDigits: 2, maximumFractionDigits: 2 }), times: m[2], count: Number(m[3]) })],
];

/** A check that failed with one of the core's errors with values in it (health/service.ts). */
const FAILED: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^The command did not finish within (\d+) s\.$/, (m) => t('The command did not finish within {{seconds}} s.', { seconds: m[1] })],
  [/^No connection within (\d+) s\.$/, (m) => t('No connection within {{seconds}} s.', { seconds: m[1] })],
  [/^(.+) Reconnecting \(attempt (\d+)\)\.$/, (m) => t('{{reason}} Reconnecting (attempt {{attempt}}).', { reason: i18n.exists(m[1]!) ? t(m[1]!) : m[1], attempt: m[2] })],
];

const capital = (s: string) => (s ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s);

export function healthReason(reason: string): string {
  if (currentLanguage() === 'en') return reason;
  const whole = WHOLE[reason];
  if (whole) return whole();
  // A check that failed with a fixed core error (the connection's, say) reads as the core's errors do.
  if (i18n.exists(reason)) return t(reason);
  for (const [pattern, word] of FAILED) {
    const m = reason.match(pattern);
    if (m) return word(m);
  }
  if (!reason.endsWith('.')) return reason;
  const parts = reason.slice(0, -1).split('; ');
  const worded = parts.map((part) => {
    for (const [pattern, word] of PARTS) {
      const m = part.match(pattern);
      if (m) return word(m);
    }
    return part;
  });
  return worded.every((w, i) => w === parts[i]) ? reason : `${capital(worded.join('; '))}.`;
}
