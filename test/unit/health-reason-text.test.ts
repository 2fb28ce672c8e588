// A health reason (worded by the core in English) shown in Russian: the parts the core builds it
// from are recognised and worded again; an unknown part stays as it is; English stays the core's.
import { describe, expect, it } from 'vitest';
import { i18n } from '../../src-renderer/i18n';
import { healthReason } from '../../src-renderer/health/reason-text';

describe('health reasons in the UI', () => {
  it('stay the core’s words in English', () => {
    expect(healthReason('Load 4.01 is over 2× its 2 CPUs.')).toBe('Load 4.01 is over 2× its 2 CPUs.');
  });

  it('are worded again in Russian, part by part', async () => {
    await i18n.changeLanguage('ru');
    try {
      expect(healthReason('All checks passed.')).toBe('Все проверки пройдены.');
      expect(healthReason('/ is 97% full; load 9.00 is over 2× its 2 CPUs.')).toBe('/ заполнен на 97%; нагрузка 9,00 выше 2× от числа ЦП (2).');
      expect(healthReason('nginx and php-fpm are not running.')).toBe('Не запущено: nginx и php-fpm.');
      expect(healthReason('Only 3.5% of memory is available; the last backup of site shop is 30 h old (its policy allows 26 h).')).toBe('Доступно лишь 3,5% памяти; the last backup of site shop is 30 h old (its policy allows 26 h).');
      expect(healthReason('Something the UI has no words for.')).toBe('Something the UI has no words for.');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
