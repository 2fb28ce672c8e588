// Deploy templates: the answers of a deploy form an admin keeps under a name ("PrestaShop 8")
// to deploy the same app again: where the archive comes from, the folder, the size limit,
// whether a dump is imported (the name it is staged under), the files whose placeholders are
// filled in and which placeholders, the commands after the deploy and the cron job. Never a
// password or a site: those belong to one deploy. Kept in the data folder; exported and imported
// as JSON or YAML text (a versioned document, checked as strictly as a deploy's own input).
import { z } from 'zod';
import { CronCommand, CronSchedule } from '../cron';
import { DeploySource, Placeholder, PostCommand, StagedDump, TargetDir, TargetRelPath } from './deploy';

export const TemplateName = z
  .string({ error: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(60, 'Name is too long (at most 60 characters)')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._()+-]*$/u, 'Name: letters, digits, spaces and . _ ( ) + -');

export const DeployTemplate = z
  .object({
    name: TemplateName,
    source: DeploySource,
    target: TargetDir,
    maxUnpackedMb: z.number().int().min(1).max(4096).default(512),
    /** The name the app's dump is staged under, or null: no dump. */
    dump: StagedDump.nullable().default(null),
    placeholderFiles: z.array(TargetRelPath).max(20).default([]),
    /** The placeholders filled into those files (the others stay as they are). */
    placeholders: z.array(Placeholder).max(10).default([]),
    commands: z.array(PostCommand).max(10).default([]),
    cron: z.object({ schedule: CronSchedule, command: CronCommand }).strict().nullable().default(null),
  })
  .strict();
export type DeployTemplate = z.infer<typeof DeployTemplate>;

/** The exported document: the template under a format marker and version, so a later Hostdeck can read it. */
export const TEMPLATE_FORMAT = 'hostdeck-deploy-template';
export const TemplateDocument = z.object({ format: z.literal(TEMPLATE_FORMAT, { error: `Not a Hostdeck deploy template (format: ${TEMPLATE_FORMAT})` }), version: z.literal(1, { error: 'A template of version 1 is expected' }), template: DeployTemplate }).strict();

const TextFormat = z.enum(['json', 'yaml']);

export const deployTemplatesApi = {
  'deploy.templates': { input: z.object({}).strict(), output: z.object({ templates: z.array(DeployTemplate) }) },
  /** Saves a template; `previous` renames that one; a name in use is refused unless `replace`. */
  'deploy.saveTemplate': {
    input: z.object({ template: DeployTemplate, previous: TemplateName.optional(), replace: z.boolean().default(false) }).strict(),
    output: z.object({ templates: z.array(DeployTemplate) }),
  },
  /** Deletes a template; `confirm` repeats its name. */
  'deploy.deleteTemplate': { input: z.object({ name: TemplateName, confirm: z.string().max(100) }).strict(), output: z.object({ templates: z.array(DeployTemplate) }) },
  'deploy.exportTemplate': { input: z.object({ name: TemplateName, format: TextFormat }).strict(), output: z.object({ text: z.string(), fileName: z.string() }) },
  /** Reads a template from JSON or YAML text and saves it (a name in use is refused unless `replace`). */
  'deploy.importTemplate': {
    input: z.object({ text: z.string().min(1, 'Paste a template').max(100_000, 'At most 100,000 characters'), format: TextFormat, replace: z.boolean().default(false) }).strict(),
    output: z.object({ template: DeployTemplate, templates: z.array(DeployTemplate) }),
  },
} as const;
