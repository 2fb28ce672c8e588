// The core's messages in the UI's language: an error worded from a template (its key and values)
// reads in Russian, a known validation message too, anything else as the core wrote it; English is
// the core's own sentence.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { connectError } from '../../src-main/core/ssh/errors';
import { i18n } from '../../src-renderer/i18n';
import { localError } from '../../src-renderer/i18n/core-text';

const refused = connectError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { host: '10.0.0.5', port: 22 });

describe('core messages in the UI', () => {
  it('keep the core’s English sentence, with the key and values beside it', () => {
    expect(refused.message).toBe('10.0.0.5:22 refused the connection; is sshd running on that port?');
    expect(refused.toShape().said).toEqual({ key: '{{where}} refused the connection; is sshd running on that port?', params: { where: '10.0.0.5:22' } });
    expect(localError(refused.toShape()).message).toBe(refused.message);
  });

  it('read in Russian: worded errors, known field errors; the rest as written', async () => {
    await i18n.changeLanguage('ru');
    try {
      const shown = localError(refused.toShape());
      expect(shown.message).toBe('10.0.0.5:22 отклонил соединение; запущен ли sshd на этом порту?');
      expect(shown.code).toBe('refused');
      expect(shown.details).toBe('connect ECONNREFUSED');
      const invalid = localError(new AppError('invalid-input', 'Check the marked fields.', { fields: { port: 'Port must be between 1 and 65535', 'auth.keyPath': 'Something new' } }).toShape());
      expect(invalid.fields).toEqual({ port: 'Порт должен быть от 1 до 65535', 'auth.keyPath': 'Something new' });
      expect(localError({ code: 'internal', message: 'mysqld said: no such table' }).message).toBe('mysqld said: no such table');
      // A fixed message the core marks with msg() (here the queue's) is looked up as written.
      expect(localError({ code: 'not-found', message: "No such task in this server's queue." }).message).toBe('В очереди этого сервера нет такой задачи.');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
