// How health figures read in the UI, in the UI's language (called while rendering, so a
// language switch re-renders them).
import type { ServerHealth } from '../../shared/api/health';
import { i18n } from '../i18n';
import { formatDuration, formatNumber, formatTime } from '../i18n/format';

const two = (n: number) => formatNumber(n, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function loadText(h: ServerHealth): string {
  if (!h.load) return '–';
  const { one, five, fifteen } = h.load;
  return `${two(one)} ${two(five)} ${two(fifteen)}${h.cpus ? ` / ${i18n.t('{{count, number}} CPUs', { count: h.cpus })}` : ''}`;
}

export function memoryText(h: ServerHealth): string {
  if (!h.memory || h.memory.totalKb === 0) return '–';
  const pct = Math.round((h.memory.availableKb / h.memory.totalKb) * 100);
  return i18n.t('{{pct}}% free of {{total}}', { pct, total: gib(h.memory.totalKb) });
}

/** The fullest filesystem (what a warning is about). */
export function diskText(h: ServerHealth): string {
  const fullest = [...h.disks].sort((a, b) => b.usedPct - a.usedPct)[0];
  return fullest ? `${fullest.mount} ${fullest.usedPct}%` : '–';
}

export function checkedText(h: ServerHealth): string {
  if (!h.checkedAt) return i18n.t('never');
  return `${formatTime(h.checkedAt)}${h.ms !== null ? ` (${formatDuration(h.ms)})` : ''}`;
}

function gib(kb: number): string {
  const g = kb / 1024 / 1024;
  return i18n.t('{{size}} GiB', { size: formatNumber(g, { maximumFractionDigits: g >= 10 ? 0 : 1, minimumFractionDigits: g >= 10 ? 0 : 1 }) });
}
