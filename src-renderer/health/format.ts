// How health figures read in the UI.
import type { ServerHealth } from '../../shared/api/health';

export function loadText(h: ServerHealth): string {
  if (!h.load) return '–';
  const { one, five, fifteen } = h.load;
  return `${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)}${h.cpus ? ` / ${h.cpus} CPU${h.cpus === 1 ? '' : 's'}` : ''}`;
}

export function memoryText(h: ServerHealth): string {
  if (!h.memory || h.memory.totalKb === 0) return '–';
  const pct = Math.round((h.memory.availableKb / h.memory.totalKb) * 100);
  return `${pct}% free of ${gib(h.memory.totalKb)}`;
}

/** The fullest filesystem (what a warning is about). */
export function diskText(h: ServerHealth): string {
  const fullest = [...h.disks].sort((a, b) => b.usedPct - a.usedPct)[0];
  return fullest ? `${fullest.mount} ${fullest.usedPct}%` : '–';
}

export function checkedText(h: ServerHealth): string {
  if (!h.checkedAt) return 'never';
  return `${new Date(h.checkedAt).toLocaleTimeString()}${h.ms !== null ? ` (${h.ms} ms)` : ''}`;
}

function gib(kb: number): string {
  const g = kb / 1024 / 1024;
  return g >= 10 ? `${Math.round(g)} GiB` : `${g.toFixed(1)} GiB`;
}
