// A health reason (worded by the core in English) shown in Russian: the parts the core builds it
// from are recognised and worded again; an unknown part stays as it is; English stays the core's.
import { describe, expect, it } from 'vitest';
import { staleBackup } from '../../src-main/core/backups/service';
import { judge, type Facts } from '../../src-main/core/health/check';
import { DEFAULT_THRESHOLDS, breaches } from '../../src-main/core/health/samples-thresholds';
import { i18n } from '../../src-renderer/i18n';
import { healthReason } from '../../src-renderer/health/reason-text';

const FACTS: Facts = { cpus: 2, load: { one: 0.5, five: 0.5, fifteen: 0.5 }, memory: { totalKb: 1000, availableKb: 500 }, disks: [], processes: new Set(), pids: new Map(), ps: true, complete: true };
const now = new Date('2026-12-07T12:00:00Z');
const stale = staleBackup('shop', { kind: 'daily', at: '03:00' }, '2026-12-06T06:00:00Z', null, now)!;
const never = staleBackup('blog', { kind: 'every', hours: 6 }, null, '2026-12-06T06:00:00Z', now)!;
const limits = { ...DEFAULT_THRESHOLDS, all: { ...DEFAULT_THRESHOLDS.all, load: 3, certDays: 14, backupAgeH: 30 }, db: { ...DEFAULT_THRESHOLDS.db, diskPct: 90, memoryPct: 80 } };
const over = breaches(limits, ['db'], { t: 0, load: 4.5, memoryPct: 91.2, diskPct: 93, certDays: 2.5, backupAgeH: 40 });
// Certificates near expiry and expired, as the TLS service words them from its last read.
const certs = ['the certificate of shop.test (site shop) expires in 3 days', 'the certificate of a.test (site a) expires in 1 day'];
const expired = 'the certificate of old.test (site old) has expired';
/** A reason as the core makes it: alerts, then warnings, in one sentence. */
const reason = (warnings: string[], alerts: string[]) => judge(FACTS, [], warnings, alerts).reason;

describe('health reasons in the UI', () => {
  it('are made by the core of the parts worded here', () => {
    expect(stale).toBe('the last backup of site shop is 30 h old (its policy allows 25 h)');
    expect(over).toEqual([
      "load 4.50, over the fleet limit of 3",
      "memory 91% used, over the db servers' limit of 80%",
      "fullest disk 93% used, over the db servers' limit of 90%",
      'nearest certificate expiry in 2 days, under the fleet limit of 14 days',
      'last backup 40 h ago, over the fleet limit of 30 h',
    ]);
  });

  it('about certificates, backups and limits read in Russian; English as the core wrote it', async () => {
    const all = reason(certs, [expired, stale, never, ...over]);
    expect(healthReason(all)).toBe(all);
    await i18n.changeLanguage('ru');
    try {
      expect(healthReason(all)).toBe(
        [
          'Сертификат old.test (сайт old) истёк',
          'последней резервной копии сайта shop 30 ч (политика допускает 25 ч)',
          'у сайта blog ещё нет успешной резервной копии',
          'нагрузка 4,50, выше порога парка (3)',
          'занято 91% памяти, выше порога серверов db (80%)',
          'самый заполненный диск занят на 93%, выше порога серверов db (90%)',
          'ближайший сертификат истекает через 2 дня, ниже порога парка (14 дней)',
          'последняя резервная копия 40 ч назад, выше порога парка (30 ч)',
          'сертификат shop.test (сайт shop) истекает через 3 дня',
          'сертификат a.test (сайт a) истекает через 1 день.',
        ].join('; '),
      );
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('stay the core’s words in English', () => {
    expect(healthReason('Load 4.01 is over 2× its 2 CPUs.')).toBe('Load 4.01 is over 2× its 2 CPUs.');
  });

  it('are worded again in Russian, part by part', async () => {
    await i18n.changeLanguage('ru');
    try {
      expect(healthReason('All checks passed.')).toBe('Все проверки пройдены.');
      expect(healthReason('/ is 97% full; load 9.00 is over 2× its 2 CPUs.')).toBe('/ заполнен на 97%; нагрузка 9,00 выше 2× от числа ЦП (2).');
      expect(healthReason('nginx and php-fpm are not running.')).toBe('Не запущено: nginx и php-fpm.');
      expect(healthReason('Only 3.5% of memory is available; a part the UI has no words for.')).toBe('Доступно лишь 3,5% памяти; a part the UI has no words for.');
      expect(healthReason('Something the UI has no words for.')).toBe('Something the UI has no words for.');
      // A check that failed with one of the core's errors (the service's time-outs, a dropped connection).
      expect(healthReason('The command did not finish within 15 s.')).toBe('Команда не завершилась за 15 с.');
      expect(healthReason('No connection within 20 s.')).toBe('Нет подключения в течение 20 с.');
      expect(healthReason('The connection dropped.')).toBe('Соединение оборвалось.');
      expect(healthReason('The connection dropped. Reconnecting (attempt 2).')).toBe('Соединение оборвалось. Повторное подключение (попытка 2).');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
