// The ACME settings (the CA's directory, contact, a private CA's root, the resolver names are
// checked with), in the data directory (`conf`: one JSON file, atomic writes). Nothing secret:
// the account key is in the keychain (account.ts).
import Conf from 'conf';
import { AcmeSettings, DEFAULT_ACME_SETTINGS } from '../../../shared/acme';

type Data = { version: 1; settings: AcmeSettings };

export class AcmeStore {
  private readonly conf: Conf<Data>;

  constructor(dataDir: string) {
    this.conf = new Conf<Data>({
      cwd: dataDir,
      configName: 'acme',
      projectName: 'hostdeck',
      defaults: { version: 1, settings: DEFAULT_ACME_SETTINGS },
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });
  }

  settings(): AcmeSettings {
    const parsed = AcmeSettings.safeParse(this.conf.get('settings'));
    return parsed.success ? parsed.data : DEFAULT_ACME_SETTINGS;
  }

  save(settings: AcmeSettings): void {
    this.conf.set('settings', settings);
  }
}
