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

const PARTS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(.+) (?:is|are) not running$/i, (m) => t('Not running: {{names}}', { names: listed(names(m[1]!)) })],
  [/^whether (.+) runs? is unknown \(ps did not answer\)$/i, (m) => t('Unknown whether {{names}} run (ps did not answer)', { names: listed(names(m[1]!)) })],
  [/^(\S+) is (\d+)% full$/i, (m) => t('{{mount}} is {{pct}}% full', { mount: m[1], pct: m[2] })],
  [/^only ([\d.]+)% of memory is available$/i, (m) => t('only {{pct}}% of memory is available', { pct: num(m[1]!) })],
  [/^load ([\d.]+) is over (\d+)× its (\d+) CPUs?$/i, (m) => t('load {{load}} is over {{times}}× its {{count, number}} CPUs', { load: formatNumber(Number(m[1]), { minimumFractionDigits: 2, maximumFractionDigits: 2 }), times: m[2], count: Number(m[3]) })],
];

const capital = (s: string) => (s ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s);

export function healthReason(reason: string): string {
  if (currentLanguage() === 'en') return reason;
  const whole = WHOLE[reason];
  if (whole) return whole();
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
