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
import { Dns01 } from '../../src-main/core/acme/dns01';
import type { DnsService } from '../../src-main/core/dns/service';
import type { Finding } from '../../src-main/core/drift/compare';
import { remedy } from '../../src-main/core/drift/remedies';
import type { EventHub } from '../../src-main/core/events';
import { readSshConfig } from '../../src-main/core/inventory/ssh-config-import';
import { PromptBroker } from '../../src-main/core/ssh/prompts';
import { account } from '../../src-main/core/team/roles';
import type { SiteRecord } from '../../shared/api/hosting';
import { PassThrough } from 'node:stream';
import { BackupService } from '../../src-main/core/backups/service';
import { decodeCell } from '../../src-main/core/db/cells';
import { label, sftpError } from '../../src-main/core/files/session';
import { resolveLog } from '../../src-main/core/logs/catalog';
import { taskKind } from '../../src-main/core/queue/kinds';
import type { ConnectionManager } from '../../src-main/core/ssh/connections';
import { TerminalService } from '../../src-main/core/terminal/service';
import { i18n } from '../../src-renderer/i18n';
import { localError } from '../../src-renderer/i18n/core-text';

const refused = connectError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { host: '10.0.0.5', port: 22 });

/** Each error reads in English exactly as the core wrote it (and as `english`), in Russian as given, with its code and fields; worded ones carry their template. */
function readsInBothLanguages(made: () => Promise<AppError[]>, english: string[], ru: { russian: string[]; codes: string[]; fields?: Record<number, Record<string, string>> }, worded = true): void {
  it('read in English exactly as the core wrote them', async () => {
    const errors = await made();
    expect(errors.map((e) => e.message)).toEqual(english);
    for (const e of errors) {
      if (worded) expect(e.said).toBeDefined();
      expect(localError(e.toShape()).message).toBe(e.message);
    }
  });
  it('read in Russian through the client, with the same values, codes and fields', async () => {
    const errors = await made();
    await i18n.changeLanguage('ru');
    try {
      const shown = errors.map((e) => localError(e.toShape()));
      expect(shown.map((e) => e.message)).toEqual(ru.russian);
      expect(shown.map((e) => e.code)).toEqual(ru.codes);
      for (const [i, fields] of Object.entries(ru.fields ?? {})) expect(shown[Number(i)]!.fields).toEqual(fields);
    } finally {
      await i18n.changeLanguage('en');
    }
  });
}

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
  readsInBothLanguages(made, [
    'The key file /nonexistent/hostdeck/id_ed25519 does not exist.',
    'The team database cannot be reached: connect ECONNREFUSED 10.0.0.9:3306',
    'The file has no SOA record for example.com.',
    'No site "shop" on this server in Hostdeck\'s records.',
    'The worker shell exited (code 127).',
  ], {
    russian: [
      'Файла ключа /nonexistent/hostdeck/id_ed25519 не существует.',
      'База данных команды недоступна: connect ECONNREFUSED 10.0.0.9:3306',
      'В файле нет записи SOA для example.com.',
      'В записях Hostdeck на этом сервере нет сайта «shop».',
      'Рабочая оболочка завершилась (код 127).',
    ],
    codes: ['key-file', 'unreachable', 'invalid-input', 'not-found', 'ssh'],
  });
});

describe('core messages of drift, ACME, SSH prompts, team accounts and the SSH config import', () => {
  // A pool difference answered with "Fix the server" on a site whose records hold no PHP (any more).
  const noPhp = { item: { id: 'php:shop:shop', kind: 'php', way: 'changed', site: 'shop', fix: 'Write the php pool as recorded', accept: null }, evidence: { kind: 'none' } } as unknown as Finding;
  const made = async () => [
    await thrown(() => remedy(noPhp, 'fix', [{ name: 'shop', php: null } as unknown as SiteRecord], {} as HostingSettings)),
    await thrown(() => new Dns01({ zones: async () => ({ zones: [], nameservers: [] }) } as unknown as DnsService).publish([{ name: 'shop.example', value: 'token' }])),
    await thrown(() => new PromptBroker({} as EventHub).answer('gone', [], false)),
    await thrown(() => account('bad user', 'localhost')),
    await thrown(() => readSshConfig('/nonexistent/hostdeck/ssh_config')),
  ];
  readsInBothLanguages(made, [
    'Site shop has no PHP in the records.',
    'No DNS zone in Hostdeck holds shop.example: DNS-01 needs its zone here (DNS zones), or choose HTTP-01.',
    'This prompt is no longer waiting for an answer.',
    'User name: letters, digits, "_", "." and "-", starting with a letter or digit.',
    'There is no SSH config at /nonexistent/hostdeck/ssh_config.',
  ], {
    russian: [
      'По записям у сайта shop нет PHP.',
      'Ни одна зона DNS в Hostdeck не содержит shop.example: для DNS-01 её зона должна быть здесь (зоны DNS), иначе выберите HTTP-01.',
      'Этот запрос больше не ждёт ответа.',
      'Имя пользователя: буквы, цифры, «_», «.» и «-», начиная с буквы или цифры.',
      'Конфигурации SSH по пути /nonexistent/hostdeck/ssh_config нет.',
    ],
    codes: ['conflict', 'conflict', 'not-found', 'invalid-input', 'not-found'],
    fields: { 3: { user: 'Letters, digits, "_", "." and "-" only' } },
  }, false);
});

/** A connection manager whose every lease opens a shell that stays open (nothing is read or written). */
function connectionsWithIdleShells(): ConnectionManager {
  const shell = () => Object.assign(new PassThrough(), { stderr: new EventEmitter(), setWindow: () => undefined, close: () => undefined });
  const client = { shell: (_: unknown, cb: (e: Error | undefined, ch: unknown) => void) => cb(undefined, shell()) };
  const lease = { client: () => client, onDown: () => undefined, onReconnect: () => undefined, release: () => undefined };
  return { acquire: async () => lease } as unknown as ConnectionManager;
}

/** The error a terminal beyond the limit gets: as many terminals open as may be, then one more. */
async function oneTerminalTooMany(): Promise<AppError> {
  const terminals = new TerminalService(connectionsWithIdleShells(), { subscribe: () => () => undefined, emit: () => undefined } as never);
  try {
    for (;;) await terminals.open('web1', 80, 24, null);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  } finally {
    terminals.closeAll();
  }
}

describe('core messages of backups, files, databases, the queue, terminals and logs', () => {
  const backups = new BackupService({} as never, {} as never, {} as never, {} as never, {} as never, {} as never, { subscribe: () => () => undefined } as never, () => undefined, {} as never, async () => null);
  const made = async () => [
    await thrown(() => backups.restoreSite('web1', 'shop', 'run-1', 'shp')),
    sftpError(Object.assign(new Error('Permission denied'), { code: 3 }), label('')),
    sftpError(Object.assign(new Error('No such file'), { code: 2 }), 'public_html/index.php'),
    await thrown(() => decodeCell({ kind: 'binary', hex: '00ff', size: 4096, truncated: true }, 'key id')),
    await thrown(() => taskKind('no.such.kind')),
    await oneTerminalTooMany(),
    await thrown(() => resolveLog({} as HostingSettings, undefined, 'nope')),
  ];
  readsInBothLanguages(made, [
    'Restoring a whole site overwrites its files and databases: type the site\'s name "shop" to confirm.',
    'The home folder: permission denied.',
    'public_html/index.php: no such file or folder.',
    'The value of key id is only a preview of 4096 bytes; load the full value (db.cell) before using it.',
    'Unknown task kind no.such.kind.',
    'At most 64 terminals can be open at once; close one first.',
    'This server has no log "nope".',
  ], {
    russian: [
      'Восстановление всего сайта перезапишет его файлы и базы данных: для подтверждения введите имя сайта «shop».',
      'Домашняя папка: доступ запрещён.',
      'public_html/index.php: нет такого файла или папки.',
      'Значение key id — лишь превью из 4096 байт; прежде чем использовать его, загрузите значение целиком (db.cell).',
      'Неизвестный вид задачи no.such.kind.',
      'Одновременно можно открыть не более 64 терминалов; сначала закройте один.',
      'На этом сервере нет журнала «nope».',
    ],
    codes: ['invalid-input', 'conflict', 'not-found', 'invalid-input', 'invalid-input', 'conflict', 'not-found'],
    fields: { 0: { confirm: 'Must be "shop" to confirm' }, 4: { kind: 'Unknown task kind' } },
  });
});
