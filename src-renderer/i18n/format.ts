// Numbers, dates and sizes in the UI's language: the one place that formats for the screen.
// Components that call useTranslation() re-render on a language switch, and these follow.
import { currentLanguage } from './index';

type When = string | number | Date;

const locale = () => (currentLanguage() === 'ru' ? 'ru-RU' : 'en-US');
const date = (w: When) => (w instanceof Date ? w : new Date(w));

export const formatNumber = (n: number, options?: Intl.NumberFormatOptions) => n.toLocaleString(locale(), options);
export const formatDateTime = (w: When) => date(w).toLocaleString(locale());
export const formatDate = (w: When) => date(w).toLocaleDateString(locale());
export const formatTime = (w: When) => date(w).toLocaleTimeString(locale());

const UNITS = { en: ['B', 'KB', 'MB', 'GB', 'TB'], ru: ['Б', 'КБ', 'МБ', 'ГБ', 'ТБ'] } as const;

/** Binary multiples with the language's unit names: 1536 → "1.5 KB" / "1,5 КБ". */
export function formatBytes(n: number): string {
  const units = UNITS[currentLanguage()];
  let value = n;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${formatNumber(value, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}

const TIME_UNITS = { en: { ms: 'ms', s: 's' }, ru: { ms: 'мс', s: 'с' } } as const;

/** A task's or a request's duration: "96 ms" / "96 мс", "1.5 s" / "1,5 с". */
export function formatDuration(ms: number): string {
  const units = TIME_UNITS[currentLanguage()];
  return ms < 1000 ? `${formatNumber(ms)} ${units.ms}` : `${formatNumber(ms / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${units.s}`;
}
