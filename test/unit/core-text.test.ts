// The core's messages in the UI's language: an error worded from a template (its key and values)
// reads in Russian, a known validation message too, anything else as the core wrote it; English is
// the core's own sentence.
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { parseZoneFile } from '../../src-main/core/dns/parse';
import { dropDb } from '../../src-main/core/hosting/plans';
import type { HostingSettings } from '../../shared/api/hosting';
import { openWorkerShell } from '../../src-main/core/queue/worker-shell';
import { readKeyFile } from '../../src-main/core/ssh/keys';
import { teamError } from '../../src-main/core/team/connection';
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

/** The error a core call throws (or its promise rejects with). */
async function thrown(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

/** A connection whose worker shell exits at once with 127 (as /bin/sh does when it is missing). */
function clientWhoseShellExits(): Client {
  const channel = Object.assign(new EventEmitter(), {
    stderr: new EventEmitter(),
    write: () => queueMicrotask(() => channel.emit('exit', 127)),
    close: () => undefined,
    end: () => undefined,
  });
  return { exec: (_: string, cb: (e: Error | undefined, ch: typeof channel) => void) => cb(undefined, channel) } as unknown as Client;
}

describe('core messages with names in them (SSH, team, DNS, hosting, worker shell)', () => {
  const made = async () => [
    await thrown(() => readKeyFile('/nonexistent/hostdeck/id_ed25519')),
    teamError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:3306'), { code: 'ECONNREFUSED' })),
    await thrown(() => parseZoneFile('www 3600 IN A 192.0.2.1\n', 'example.com')),
    await thrown(() => dropDb([], {} as HostingSettings, 'shop', 'shop_db')),
    await thrown(() => openWorkerShell(clientWhoseShellExits())),
  ];
  const english = [
    'The key file /nonexistent/hostdeck/id_ed25519 does not exist.',
    'The team database cannot be reached: connect ECONNREFUSED 10.0.0.9:3306',
    'The file has no SOA record for example.com.',
    'No site "shop" on this server in Hostdeck\'s records.',
    'The worker shell exited (code 127).',
  ];

  it('read in English exactly as the core wrote them', async () => {
    const errors = await made();
    expect(errors.map((e) => e.message)).toEqual(english);
    for (const e of errors) {
      expect(e.said).toBeDefined();
      expect(localError(e.toShape()).message).toBe(e.message);
    }
  });

  it('read in Russian through the client, with the same values', async () => {
    const errors = await made();
    await i18n.changeLanguage('ru');
    try {
      expect(errors.map((e) => localError(e.toShape()).message)).toEqual([
        'Файла ключа /nonexistent/hostdeck/id_ed25519 не существует.',
        'База данных команды недоступна: connect ECONNREFUSED 10.0.0.9:3306',
        'В файле нет записи SOA для example.com.',
        'В записях Hostdeck на этом сервере нет сайта «shop».',
        'Рабочая оболочка завершилась (код 127).',
      ]);
      expect(errors.map((e) => localError(e.toShape()).code)).toEqual(['key-file', 'unreachable', 'invalid-input', 'not-found', 'ssh']);
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
