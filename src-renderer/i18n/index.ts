// The UI's languages. English source text is the key (t('Add server')), so code reads as the screen
// does and anything not yet translated shows in English. ru.json maps English → Russian (flat);
// en.json holds only English plural forms (the key is the "other" form).
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import ru from './ru.json';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

// Kept beside the theme: a choice of this window's look, not of the fleet.
const STORAGE_KEY = 'hostdeck.language';

function savedLanguage(): Language {
  // Unit tests load formatting code outside a browser: English there.
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.some((l) => l.code === saved) ? (saved as Language) : 'en';
}

i18n.on('languageChanged', (lng) => {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru } },
  lng: savedLanguage(),
  fallbackLng: 'en',
  keySeparator: false,
  nsSeparator: false,
  returnEmptyString: false,
  interpolation: { escapeValue: false },
  initAsync: false,
});

export function currentLanguage(): Language {
  return i18n.language === 'ru' ? 'ru' : 'en';
}

/** Switches every mounted component (those using useTranslation re-render) without a reload. */
export async function setLanguage(lng: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lng);
  await i18n.changeLanguage(lng);
}

/**
 * Marks a literal as a translation key where it is declared (a table of labels) and translated
 * later with t(value); the key test reads these as it reads t('…').
 */
export const msg = <S extends string>(key: S): S => key;

export { i18n };
