// One time-series chart (uPlot on a canvas): the app's colours, the width of its box (followed
// as the window resizes), a dashed line for a limit, and gaps where nothing was recorded.
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import { formatNumber } from '../i18n/format';

export type ChartSeries = { label: string; values: (number | null)[]; colour: string; dash?: number[] };

/** Month and weekday names in the UI's language for uPlot's time axis and legend. */
function dateNames(locale: string): uPlot.DateNames {
  const names = (options: Intl.DateTimeFormatOptions, dates: Date[]) => dates.map((d) => new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(d));
  const months = Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(2000, m, 1)));
  const days = Array.from({ length: 7 }, (_, d) => new Date(Date.UTC(2000, 0, 2 + d))); // 2 January 2000 was a Sunday
  return { MMMM: names({ month: 'long' }, months), MMM: names({ month: 'short' }, months), WWWW: names({ weekday: 'long' }, days), WWW: names({ weekday: 'short' }, days) };
}

const css = (name: string, fallback: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

export function UPlotChart({ title, unit, t: times, series, limit, height = 150 }: { title: string; unit: string; t: number[]; series: ChartSeries[]; limit?: number | null; height?: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const names = dateNames(language === 'ru' ? 'ru-RU' : 'en-US');
    const number = (v: number) => `${formatNumber(v, { maximumFractionDigits: 2 })}${unit}`;
    const el = box.current;
    if (!el) return;
    const text = css('--muted', '#6b7385');
    const grid = css('--border', '#d9dde5');
    const resolve = (c: string) => (c.startsWith('var(') ? css(c.slice(4, -1), '#888') : c);
    const withLimit = limit !== null && limit !== undefined;
    const data: uPlot.AlignedData = [times, ...series.map((s) => s.values), ...(withLimit ? [times.map(() => limit)] : [])];
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: true, live: true },
        fmtDate: (tpl) => uPlot.fmtDate(tpl, names),
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: true } },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, splits) => splits.map(number) },
        ],
        series: [
          { label: t('time') },
          ...series.map((s) => ({ label: s.label, stroke: resolve(s.colour), width: 1.5, ...(s.dash ? { dash: s.dash } : {}), points: { show: false }, spanGaps: false, value: (_u: uPlot, v: number | null) => (v === null ? '–' : number(v)) })),
          ...(withLimit ? [{ label: t('limit'), stroke: css('--danger', '#d64545'), width: 1, dash: [4, 4], points: { show: false } }] : []),
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, limit, height, unit, language, t]);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-canvas" />
    </figure>
  );
}
