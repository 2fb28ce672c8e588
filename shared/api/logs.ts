// Logs of a site (its nginx access and error logs, PHP-FPM error and slow logs, cron log) and of
// a server (journal, syslog, nginx and php-fpm logs): which exist, a live tail, a search of older
// and rotated files done on the server, and a download of a part of one.
//
// A log is named by its site and id, never by a path: the core builds the list and turns an id
// back into a path itself, so nothing the window sends becomes a file name on the server.
import { z } from 'zod';
import { ServerId } from '../domain';
import { SiteName } from '../hosting';
import { Task } from '../queue';
import { ok } from './common';
import { DEFAULT_LOG_SETTINGS, LogSettings, SiteBaseVersion } from './hosting';

export { DEFAULT_LOG_SETTINGS, LogSettings };

/** A site's logs are `access`, `error`, `php-error`, `php-slow`, `cron`; a server's `journal`, `syslog`, `messages`, `nginx-error`, `nginx-access`, `php<X.Y>-fpm`. */
export const LogId = z.string().regex(/^(access|error|php-error|php-slow|cron|journal|syslog|messages|nginx-error|nginx-access|php\d{1,2}\.\d{1,2}-fpm)$/, 'Unknown log');
export type LogId = z.infer<typeof LogId>;

const LogRef = z.object({ serverId: ServerId, site: SiteName.optional(), log: LogId }).strict();

export const LogInfo = z.object({
  id: z.string(),
  label: z.string(),
  /** Where it is on the server (shown, never sent back). */
  path: z.string(),
  /** Readable now (a file that is not there yet is still listed: it is followed once it appears). */
  exists: z.boolean(),
  /** There, but the SSH user may not read it (a server added with another user than root). */
  denied: z.boolean(),
  size: z.number().nullable(),
});
export type LogInfo = z.infer<typeof LogInfo>;

export const SEARCH_TEXT_MAX = 200;
/** Text looked for as it is (grep -F): one line, no NUL. */
export const SearchText = z
  .string({ error: 'Search text is required' })
  .min(1, 'Type what to look for')
  .max(SEARCH_TEXT_MAX, `At most ${SEARCH_TEXT_MAX} characters`)
  .refine((v) => !/[\u0000\n\r]/.test(v), 'One line of text, without NUL');

export const TailId = z.string().uuid('Unknown tail');
export const FOLLOW_BACKLOG_MAX = 10_000;
export const SEARCH_LIMIT_MAX = 10_000;
export const DOWNLOAD_LINES_MAX = 200_000;

export const LogHit = z.object({ file: z.string(), line: z.number(), text: z.string() });
export type LogHit = z.infer<typeof LogHit>;

export const TailState = z.enum(['open', 'reconnecting', 'closed']);
export type TailState = z.infer<typeof TailState>;

export const logsApi = {
  /** A site's logs (with `site`) or the server's own, with where they are and whether they can be read. Reads only. */
  'logs.list': {
    input: z.object({ serverId: ServerId, site: SiteName.optional() }).strict(),
    output: z.object({ logs: z.array(LogInfo), settings: LogSettings }),
  },
  /** Starts a live tail (`tail -F` of the file, `journalctl -f` for the journal): its last `backlog` lines, then new ones as logs.lines events. */
  'logs.follow': {
    input: LogRef.extend({ backlog: z.number().int().min(0).max(FOLLOW_BACKLOG_MAX) }).strict(),
    output: z.object({ tailId: TailId, path: z.string() }),
  },
  /** How many lines of a tail the window has shown (the core pauses a tail far ahead of its window). */
  'logs.ack': { input: z.object({ tailId: TailId, lines: z.number().int().min(1).max(10_000_000) }).strict(), output: ok },
  /** Stops a tail: the tail process on the server ends with it. */
  'logs.stop': { input: z.object({ tailId: TailId }).strict(), output: ok },
  /** Queues logs.site for the site: its log folder and rotation rule written again with the current log settings (a site made before Hostdeck kept logs, or adopted). */
  'logs.setUp': { input: z.object({ serverId: ServerId, site: SiteName, baseVersion: SiteBaseVersion.optional() }).strict(), output: z.object({ tasks: z.array(Task) }) },
  /** Lines containing the text (as it is, case-sensitive) in the log and its rotated files (.gz too), oldest file first, at most `limit`. */
  'logs.search': {
    input: LogRef.extend({ text: SearchText, limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX) }).strict(),
    output: z.object({ hits: z.array(LogHit), truncated: z.boolean() }),
  },
  /** A part of a log as text to save: the lines containing `text` (every file, rotated ones too), or lines `from`..`to` of the current file. */
  'logs.download': {
    input: LogRef.extend({
      text: SearchText.optional(),
      from: z.number().int().min(1).optional(),
      to: z.number().int().min(1).optional(),
    })
      .strict()
      .refine((v) => (v.text !== undefined && v.from === undefined && v.to === undefined) || (v.text === undefined && v.from !== undefined && v.to !== undefined), { message: 'Either text, or a range from..to' })
      .refine((v) => v.from === undefined || v.to === undefined || (v.to >= v.from && v.to - v.from < DOWNLOAD_LINES_MAX), { path: ['to'], message: `A range of at most ${DOWNLOAD_LINES_MAX} lines, ending after it starts` }),
    output: z.object({ name: z.string(), text: z.string(), lines: z.number(), truncated: z.boolean() }),
  },
} as const;
