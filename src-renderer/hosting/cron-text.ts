// A cron schedule read aloud in the UI's language ("every day at 03:00", «ежедневно в 03:00»)
// from shared/cron's reading of it.
import { readSchedule, type ScheduleReading } from '../../shared/cron';
import { currentLanguage, i18n, msg } from '../i18n';

const two = (n: number) => String(n).padStart(2, '0');

// One key per day: the words around a day change with it in Russian («по средам», «по пятницам»).
const WEEKLY = [
  msg('every Sunday at {{time}}'),
  msg('every Monday at {{time}}'),
  msg('every Tuesday at {{time}}'),
  msg('every Wednesday at {{time}}'),
  msg('every Thursday at {{time}}'),
  msg('every Friday at {{time}}'),
  msg('every Saturday at {{time}}'),
];
const DAYS = [msg('Sunday'), msg('Monday'), msg('Tuesday'), msg('Wednesday'), msg('Thursday'), msg('Friday'), msg('Saturday')];

/** "1 January" / «1 января»: Intl knows each language's form of a month after a day. */
const dayAndMonth = (day: number, month: number) =>
  new Intl.DateTimeFormat(currentLanguage() === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, day));

/** The schedule read aloud, or null for a shape it has no words for (or an invalid one). */
export function describeSchedule(raw: string): string | null {
  const reading = readSchedule(raw);
  return reading && scheduleText(reading);
}

export function scheduleText(r: ScheduleReading): string {
  const t = i18n.t.bind(i18n);
  const time = 'hour' in r ? `${two(r.hour)}:${two(r.minute)}` : '';
  switch (r.every) {
    case 'minute': return t('every minute');
    case 'minutes': return t('every {{count, number}} minutes', { count: r.n });
    case 'hour': return t('every hour at :{{minute}}', { minute: two(r.minute) });
    case 'hours': return t('every {{count, number}} hours at :{{minute}}', { count: r.n, minute: two(r.minute) });
    case 'day': return t('every day at {{time}}', { time });
    case 'week': return t(WEEKLY[r.day]!, { time });
    case 'days-of-week': return t('{{from}} to {{to}} at {{time}}', { from: t(DAYS[r.from]!), to: t(DAYS[r.to]!), time });
    case 'month': return t('on day {{day}} of every month at {{time}}', { day: r.day, time });
    case 'year': return t('every year on {{date}} at {{time}}', { date: dayAndMonth(r.day, r.month), time });
  }
}
