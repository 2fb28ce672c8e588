// Deploy templates in the data directory (`conf`, one versioned file), and their part of the
// contract: list, save (rename, replace), delete with its name repeated, export and import as
// JSON or YAML text. A template holds no secret and no site; every read of the file and every
// imported text goes through the same strict schema as the contract's own input.
import Conf from 'conf';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { DeployTemplate, TEMPLATE_FORMAT, TemplateDocument, type deployTemplatesApi } from '../../../shared/api/deploy-templates';
import { AppError, msg } from '../../../shared/errors';
import type { HandlersFor } from '../dispatch';

const Schema = z.object({ version: z.literal(1), templates: z.array(DeployTemplate) });
type Data = z.infer<typeof Schema>;

export class DeployTemplateStore {
  private readonly conf: Conf<Data>;

  constructor(dataDir: string) {
    this.conf = new Conf<Data>({ cwd: dataDir, configName: 'deploy-templates', projectName: 'hostdeck', defaults: { version: 1, templates: [] }, accessPropertiesByDotNotation: false, clearInvalidConfig: false });
    const parsed = Schema.safeParse(this.conf.store);
    if (!parsed.success) throw new Error(`The deploy templates file ${this.conf.path} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  }

  list(): DeployTemplate[] {
    return Schema.shape.templates.parse(this.conf.get('templates'));
  }

  /** Saves `template` (in place of `previous` when renaming); a name in use by another is refused unless `replace`. */
  save(template: DeployTemplate, previous: string | undefined, replace: boolean): DeployTemplate[] {
    const next = templatesAfterSave(this.list(), template, previous, replace);
    this.conf.set('templates', next);
    return next;
  }

  delete(name: string): DeployTemplate[] {
    const next = templatesAfterDelete(this.list(), name);
    this.conf.set('templates', next);
    return next;
  }
}

/** Where templates are kept: this data folder's file, or a team's database (team/template-store.ts), whose saves are asynchronous. */
export type TemplateStore = {
  list(): DeployTemplate[];
  save(template: DeployTemplate, previous: string | undefined, replace: boolean): DeployTemplate[] | Promise<DeployTemplate[]>;
  delete(name: string): DeployTemplate[] | Promise<DeployTemplate[]>;
};

/** The templates once `template` is saved (see DeployTemplateStore.save), or the refusal. */
export function templatesAfterSave(all: DeployTemplate[], template: DeployTemplate, previous: string | undefined, replace: boolean): DeployTemplate[] {
  const key = (n: string) => n.toLocaleLowerCase();
  if (previous !== undefined && !all.some((t) => t.name === previous)) throw AppError.worded('not-found', msg('No deploy template "{{name}}".'), { name: previous });
  const clash = all.find((t) => key(t.name) === key(template.name) && t.name !== previous);
  if (clash && !replace) throw AppError.worded('conflict', msg('A deploy template "{{name}}" exists already.'), { name: clash.name }, { fields: { name: 'A template of this name exists' } });
  const kept = all.filter((t) => t.name !== previous && key(t.name) !== key(template.name));
  return [...kept, DeployTemplate.parse(template)].sort((a, b) => a.name.localeCompare(b.name));
}

export function templatesAfterDelete(all: DeployTemplate[], name: string): DeployTemplate[] {
  if (!all.some((t) => t.name === name)) throw AppError.worded('not-found', msg('No deploy template "{{name}}".'), { name });
  return all.filter((t) => t.name !== name);
}

/** The template as an exported document's text. */
export function templateText(template: DeployTemplate, format: 'json' | 'yaml'): string {
  const doc = { format: TEMPLATE_FORMAT, version: 1, template };
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringifyYaml(doc);
}

/** A template read from an exported document's text; anything else (or anything more) is refused with the reason. */
export function templateFromText(text: string, format: 'json' | 'yaml'): DeployTemplate {
  let raw: unknown;
  try {
    // YAML: the core schema only (no custom tags), and aliases capped against an expansion bomb.
    raw = format === 'json' ? JSON.parse(text) : parseYaml(text, { schema: 'core', maxAliasCount: 20, uniqueKeys: true, logLevel: 'error' });
  } catch (error) {
    throw AppError.worded('invalid-input', msg('The text is not valid {{format}}: {{problem}}'), { format: format.toUpperCase(), problem: (error as Error).message.split('\n')[0]! }, { fields: { text: 'Not valid' } });
  }
  const parsed = TemplateDocument.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw AppError.worded('invalid-input', msg('Not a usable deploy template: {{problem}}'), { problem: `${where}${issue?.message ?? 'unknown problem'}` }, { fields: { text: `${where}${issue?.message ?? 'Not valid'}` } });
  }
  return parsed.data.template;
}

export function deployTemplateHandlers(store: TemplateStore): HandlersFor<typeof deployTemplatesApi> {
  const named = (name: string) => {
    const t = store.list().find((x) => x.name === name);
    if (!t) throw AppError.worded('not-found', msg('No deploy template "{{name}}".'), { name });
    return t;
  };
  return {
    'deploy.templates': async () => ({ templates: store.list() }),
    'deploy.saveTemplate': async ({ template, previous, replace }) => ({ templates: await store.save(template, previous, replace) }),
    'deploy.deleteTemplate': async ({ name, confirm }) => {
      if (confirm !== name) throw AppError.worded('invalid-input', msg("Type the template's name, {{name}}, to delete it."), { name }, { fields: { confirm: 'Does not match the name' } });
      return { templates: await store.delete(name) };
    },
    'deploy.exportTemplate': async ({ name, format }) => ({
      text: templateText(named(name), format),
      fileName: `${name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'template'}.deploy.${format === 'json' ? 'json' : 'yaml'}`,
    }),
    'deploy.importTemplate': async ({ text, format, replace }) => {
      const template = templateFromText(text, format);
      return { template, templates: await store.save(template, undefined, replace) };
    },
  };
}
