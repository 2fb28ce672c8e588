// The language field of Settings: applies at once (no Save, no reload), like the theme switch.
import { useTranslation } from 'react-i18next';
import { LANGUAGES, currentLanguage, setLanguage, type Language } from './index';

export function LanguageSelect() {
  const { t } = useTranslation();
  return (
    <label className="field" data-field="language">
      <span className="label">{t('Language')}</span>
      <select name="language" value={currentLanguage()} onChange={(e) => void setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
      <span className="hint">{t('Applies at once, on this computer')}</span>
    </label>
  );
}
