// Logs, pure parts: the view's line buffer (cap, filter kept up to date as lines arrive), the
// contract's refusals (paths are never input, search text is one line), the logrotate rule and
// the scripts the core runs (every value quoted, hostile text only inside single quotes).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { logsApi } from '../../shared/api/logs';
import { renderRotateRule, logsLines } from '../../src-main/core/hosting/log-tasks';
import { parseList, resolveLog, serverCandidates, siteLogs } from '../../src-main/core/logs/catalog';
import { grepScript, parseHits, rangeScript } from '../../src-main/core/logs/search';
import { tailCommand } from '../../src-main/core/logs/tail';
import { LineBuffer } from '../../src-renderer/logs/buffer';
import type { HostingSettings } from '../../shared/api/hosting';

const settings = { logs: { dir: '/var/log/hostdeck', rotateDir: '/etc/logrotate.d', keep: 14 } } as HostingSettings;

describe('the live view\'s buffer', () => {
  it('keeps the last lines, numbers them, and filters new lines as they arrive', () => {
    const b = new LineBuffer(100);
    b.push(Array.from({ length: 150 }, (_, i) => `line ${i}${i % 10 === 0 ? ' hit' : ''}`));
    expect(b.count).toBe(150); // dropped in chunks, not line by line
    b.push(Array.from({ length: 10_000 }, (_, i) => `more ${i}${i % 1000 === 0 ? ' hit' : ''}`));
    expect(b.count).toBe(100);
    expect(b.row(99)).toEqual({ n: 10_150, text: 'more 9999' });
    b.setFilter('hit');
    expect(b.count).toBe(0);
    b.push(['a hit', 'no', 'hit again']);
    expect([b.count, b.row(0).text, b.row(1).n]).toEqual([2, 'a hit', 10_153]);
    b.setFilter('hit again'); // narrowing tests only the matches
    expect(b.count).toBe(1);
    b.setFilter('');
    expect(b.count).toBe(103);
    expect(b.received).toBe(10_153);
  });
});

describe('the logs contract', () => {
  const follow = logsApi['logs.follow'].input;
  const search = logsApi['logs.search'].input;
  const serverId = randomUUID();
  it('names a log by id, never by path', () => {
    for (const log of ['access', 'php-slow', 'journal', 'php8.2-fpm']) expect(follow.safeParse({ serverId, log, backlog: 0 }).success).toBe(true);
    for (const log of ['/var/log/syslog', '../../etc/shadow', 'access.log', 'php8.2-fpm; id', 'access\n', '']) expect(follow.safeParse({ serverId, log, backlog: 0 }).success).toBe(false);
    for (const site of ['../etc', 'a/b', 'root', '$(id)']) expect(follow.safeParse({ serverId, site, log: 'access', backlog: 0 }).success).toBe(false);
    expect(follow.safeParse({ serverId, log: 'access', backlog: 10_001 }).success).toBe(false);
  });
  it('takes one line of search text without NUL, up to 200 characters', () => {
    for (const text of ['GET /', "'; rm -rf / #", '$(id)', '`id`', 'x'.repeat(200), 'é🙂']) expect(search.safeParse({ serverId, log: 'access', text, limit: 10 }).success).toBe(true);
    for (const text of ['', 'a\nb', 'a\rb', 'a\u0000b', 'x'.repeat(201)]) expect(search.safeParse({ serverId, log: 'access', text, limit: 10 }).success).toBe(false);
  });
  it('downloads either matching lines or a range', () => {
    const d = logsApi['logs.download'].input;
    expect(d.safeParse({ serverId, log: 'access', text: 'x' }).success).toBe(true);
    expect(d.safeParse({ serverId, log: 'access', from: 1, to: 10 }).success).toBe(true);
    expect(d.safeParse({ serverId, log: 'access' }).success).toBe(false);
    expect(d.safeParse({ serverId, log: 'access', text: 'x', from: 1, to: 2 }).success).toBe(false);
    expect(d.safeParse({ serverId, log: 'access', from: 10, to: 5 }).success).toBe(false);
    expect(d.safeParse({ serverId, log: 'access', from: 1, to: 300_000 }).success).toBe(false);
  });
});

describe('the core\'s scripts', () => {
  it('turns ids into the site\'s own paths only', () => {
    expect(siteLogs(settings, 'shop').map((l) => l.path)).toEqual(['/var/log/hostdeck/shop/access.log', '/var/log/hostdeck/shop/error.log', '/var/log/hostdeck/shop/php-error.log', '/var/log/hostdeck/shop/php-slow.log', '/home/shop/logs/cron.log']);
    expect(resolveLog(settings, undefined, 'php8.2-fpm').path).toBe('/var/log/php8.2-fpm.log');
    expect(() => resolveLog(settings, undefined, 'access')).toThrow(/no log/);
    expect(() => resolveLog(settings, '../x', 'access')).toThrow();
    // What the list command prints: readable (1), there but not for this SSH user (2), absent (0).
    const listed = parseList('access\t1\t120\nerror\t2\t\nphp-error\t0\t\n', siteLogs(settings, 'shop'), false);
    expect(listed.slice(0, 3).map((l) => [l.id, l.exists, l.denied, l.size])).toEqual([['access', true, false, 120], ['error', false, true, null], ['php-error', false, false, null]]);
    const server = parseList('syslog\t2\t\nphp8.2-fpm\t1\t5\njournal\t1\t\nmessages\t0\t\n', serverCandidates(), true);
    expect(server.map((l) => l.id)).toEqual(['journal', 'syslog', 'php8.2-fpm']);
  });
  it('passes hostile search text to grep as one quoted word (sh -n parses each script)', () => {
    const source = siteLogs(settings, 'shop')[0]!;
    for (const text of ["'", "'\\''", '$(touch /tmp/x)', '`id`', '"; id; "', '-e', '--help', '\\', '*']) {
      const script = grepScript(source, text, 10, true);
      expect(script).toContain(`t='${text.replaceAll("'", `'\\''`)}'`);
      execFileSync('sh', ['-n', '-c', script]);
    }
    expect(() => grepScript(source, 'a\nb', 10, true)).toThrow();
    expect(rangeScript(source, 5, 9)).toBe("sed -n '5,9p;9q' -- '/var/log/hostdeck/shop/access.log'");
    expect(tailCommand(source, 1000)).toBe("tail -n 1000 -F -s 0.2 -- '/var/log/hostdeck/shop/access.log' 2>&1 & t=$!; cat >/dev/null; kill \"$t\" 2>/dev/null; wait \"$t\" 2>/dev/null; exit 0");
    expect(parseHits('/var/log/hostdeck/shop/access.log.2.gz:7:a:b:c\njunk\n', 3)).toEqual([{ file: '/var/log/hostdeck/shop/access.log.2.gz', line: 7, text: 'a:b…' }]);
  });
  it('writes a rotation rule that logrotate reads, and refuses hostile values before any line', () => {
    const p = { site: 'shop', dir: '/var/log/hostdeck', rotateDir: '/etc/logrotate.d', keep: 14, nginxConf: '/etc/nginx/nginx.conf' };
    const rule = renderRotateRule(p);
    expect(rule).toContain('/var/log/hostdeck/shop/access.log /var/log/hostdeck/shop/error.log {');
    expect(rule).toContain('/var/log/hostdeck/shop/php-slow.log {\n    daily\n    rotate 14\n    compress\n    delaycompress\n    missingok\n    notifempty\n    su root shop\n    copytruncate\n}');
    expect(rule).toContain('    create 0640 root shop');
    expect(rule).toContain('    create 0640 shop shop');
    expect(rule).toContain("        nginx -s reopen -c '/etc/nginx/nginx.conf' >/dev/null 2>&1 || true");
    execFileSync('sh', ['-n', '-c', logsLines(p).join('\n')]);
    for (const bad of [{ site: 'sh op' }, { site: 'root' }, { dir: '/var/log/../etc' }, { dir: 'relative' }, { rotateDir: '/etc/logrotate.d\n/x' }, { keep: 0 }, { nginxConf: "/etc/nginx/nginx.conf'; id" }]) {
      expect(() => renderRotateRule({ ...p, ...bad } as typeof p)).toThrow();
    }
  });
});
