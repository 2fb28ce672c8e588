// Deploying an application into a site: an archive staged in the site's home (uploaded through
// the files API into STAGING_DIR) or fetched from an https URL, unpacked into a subfolder of
// public_html, an optional SQL dump imported into one of the site's databases, placeholders
// filled in, commands run as the site's user, an optional cron job. Every step is a queued task.
import { z } from 'zod';
import { CronCommand, CronSchedule } from '../cron';
import { ServerId } from '../domain';
import { DbName, Password, SiteName } from '../hosting';
import { Task } from '../queue';

/** The hidden folder of the site's home where archives and dumps are uploaded before a deploy. */
export const STAGING_DIR = '.hostdeck-deploy';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** A file name in the staging folder (no folders, no hidden names). */
const Staged = (what: string, ends: RegExp, hint: string) =>
  z
    .string({ error: `${what} is required` })
    .regex(SEGMENT, `${what}: a file name of letters, digits, ".", "_" and "-" in ${STAGING_DIR}`)
    .regex(ends, `${what} must end in ${hint}`);
export const StagedArchive = Staged('Archive', /\.(tar\.gz|tgz|zip)$/, '.tar.gz, .tgz or .zip');
export const StagedDump = Staged('SQL dump', /\.(sql|sql\.gz)$/, '.sql or .sql.gz');

export const ArchiveUrl = z
  .string({ error: 'URL is required' })
  .max(1000, 'URL is too long')
  .regex(/^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~%/+=&?-]*)?$/, 'An https URL of plain characters')
  .regex(/\.(tar\.gz|tgz|zip)([?].*)?$/, 'The URL must name a .tar.gz, .tgz or .zip file');

/** A path relative to the target folder: plain segments, no "..", no placeholder braces. */
export const TargetRelPath = z
  .string({ error: 'Path is required' })
  .max(255, 'Path is too long')
  .refine((p) => p.split('/').every((s) => SEGMENT.test(s)), 'A relative path of letters, digits, ".", "_" and "-" (no "..", no leading "/", no braces)');

/** The target subfolder of public_html (public_html itself is not a target: a deploy gets a folder of its own). */
export const TargetDir = TargetRelPath;

export const DeploySource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staged'), archive: StagedArchive }).strict(),
  z.object({ kind: z.literal('url'), url: ArchiveUrl }).strict(),
], { error: 'Source must be a staged archive or an https URL' });

/** The placeholders a deploy fills in, written {{NAME}} in the files; any other {{…}} stays as it is. */
export const PLACEHOLDERS = ['DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_HOST', 'DOMAIN', 'SITE_URL'] as const;
export const Placeholder = z.enum(PLACEHOLDERS, { error: `A placeholder is one of ${PLACEHOLDERS.join(', ')}` });
export type Placeholder = z.infer<typeof Placeholder>;

export const PostCommand = z
  .string()
  .min(1, 'A command is required')
  .max(500, 'A command is too long (at most 500 characters)')
  .refine((c) => !/[\u0000-\u001f\u007f]/.test(c), 'A command is one line without control characters');

export const DeployInput = z
  .object({
    serverId: ServerId,
    site: SiteName,
    source: DeploySource,
    target: TargetDir,
    /** The unpacked archive may hold at most this much (checked from its listing before extracting). */
    maxUnpackedMb: z.number().int().min(1).max(4096).default(512),
    /** The site's database the app uses: its user gets a new password (shown once), filled into the placeholders. */
    database: DbName.optional(),
    dump: StagedDump.optional(),
    placeholderFiles: z.array(TargetRelPath).max(20).default([]),
    /** The placeholders filled in (default: all of them). */
    placeholders: z.array(Placeholder).max(10).optional(),
    /** The database user's new password; generated when not given. */
    password: Password.optional(),
    commands: z.array(PostCommand).max(10).default([]),
    cron: z.object({ schedule: CronSchedule, command: CronCommand }).strict().optional(),
  })
  .strict()
  .refine((d) => d.dump === undefined || d.database !== undefined, { message: 'A dump needs a database to import into', path: ['database'] })
  .refine((d) => d.placeholderFiles.length === 0 || d.database !== undefined, { message: 'Placeholders need a database', path: ['database'] })
  .refine((d) => d.password === undefined || d.database !== undefined, { message: 'A password needs a database', path: ['database'] })
  .refine((d) => d.placeholderFiles.length === 0 || d.placeholders === undefined || d.placeholders.length > 0, { message: 'Choose at least one placeholder to fill in', path: ['placeholders'] });
export type DeployInput = z.infer<typeof DeployInput>;

const PreviewTask = z.object({ kind: z.string(), title: z.string(), commands: z.array(z.string()) });

export const deployApi = {
  /** The tasks a deploy would queue, with their commands (the password masked); nothing is queued. */
  'deploy.preview': { input: DeployInput, output: z.object({ tasks: z.array(PreviewTask) }) },
  /** Queues the deploy's tasks in order; the database user's new password is returned once. */
  'deploy.run': { input: DeployInput, output: z.object({ tasks: z.array(Task), password: z.string().nullable() }) },
} as const;
