// Deploy templates in team mode: one row of `templates` per template (id = its name), read from
// the synced cache and written as the rows that changed, each checked against the version read.
import { DeployTemplate } from '../../../shared/api/deploy-templates';
import { templatesAfterDelete, templatesAfterSave, type TemplateStore } from '../hosting/deploy-templates';
import { saveAll } from './inventory-store';
import type { TeamRecords } from './records';

export function teamTemplateStore(records: TeamRecords): TemplateStore {
  const list = () =>
    [...records.all('templates').values()]
      .flatMap((r) => {
        const parsed = DeployTemplate.safeParse(r.data);
        return parsed.success ? [parsed.data] : []; // a row written by a newer Hostdeck: not ours to show
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  const write = async (next: DeployTemplate[]) => {
    await saveAll(records, 'templates', new Map(next.map((t) => [t.name, t])));
    return list();
  };
  return {
    list,
    save: (template, previous, replace) => write(templatesAfterSave(list(), template, previous, replace)),
    delete: (name) => write(templatesAfterDelete(list(), name)),
  };
}
