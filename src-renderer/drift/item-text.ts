// A drift difference in the UI's language. The core words each item in English; its title is
// worded again from the item's kind and id (`<kind>:<site or zone>:<name>`); a text with names in
// it comes with its template and values (item.said) and is worded from them; a fixed phrase is
// looked up as written (coreText: the core marks them as keys). Anything the UI has no words for
// stays as the core wrote it; English is always the core's.
import type { DriftItem } from '../../shared/api/drift';
import { currentLanguage, i18n } from '../i18n';
import { coreText, saidText } from '../i18n/core-text';

type Worded = 'records' | 'server' | 'fix' | 'accept';

/** One of the item's texts (its sides, its actions' labels) in the UI's language. */
export function driftText(item: DriftItem, field: Worded): string {
  const said = item.said?.[field];
  return said ? saidText(said) : coreText(item[field] ?? '');
}

export function driftTitle(item: DriftItem): string {
  if (currentLanguage() === 'en') return item.title;
  if (item.said?.title) return saidText(item.said.title);
  const [, scope = '', name = ''] = item.id.split(/:(.*?):(.*)/s);
  const site = item.site ?? '';
  switch (item.kind) {
    case 'site': return i18n.t('Site {{site}}: its Linux account', { site });
    case 'status': return i18n.t('Site {{site}}: suspension', { site });
    case 'ftp': return i18n.t('FTP login {{user}} (site {{site}})', { user: name, site });
    case 'db': return scope === '*' ? i18n.t('Databases') : i18n.t('Database {{name}} (site {{site}})', { name, site });
    case 'vhost': return name.startsWith('/') ? i18n.t('Server block (site {{site}})', { site }) : i18n.t('Server block of {{domain}} (site {{site}})', { domain: name, site });
    case 'php': return i18n.t('PHP pool (site {{site}})', { site });
    case 'cron': return i18n.t('Cron file (site {{site}})', { site });
    case 'cert': return i18n.t('Certificate of {{domain}} (site {{site}})', { domain: name, site });
    case 'zone': return i18n.t('Zone {{zone}}', { zone: scope });
    default: return item.title;
  }
}
