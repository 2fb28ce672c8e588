// One time-series chart (uPlot on a canvas): the app's colours, the width of its box (followed
// as the window resizes), a dashed line for a limit, and gaps where nothing was recorded.
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

export type ChartSeries = { label: string; values: (number | null)[]; colour: string; dash?: number[] };

const css = (name: string, fallback: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

export function UPlotChart({ title, unit, t, series, limit, height = 150 }: { title: string; unit: string; t: number[]; series: ChartSeries[]; limit?: number | null; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = css('--muted', '#6b7385');
    const grid = css('--border', '#d9dde5');
    const resolve = (c: string) => (c.startsWith('var(') ? css(c.slice(4, -1), '#888') : c);
    const withLimit = limit !== null && limit !== undefined;
    const data: uPlot.AlignedData = [t, ...series.map((s) => s.values), ...(withLimit ? [t.map(() => limit)] : [])];
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        legend: { show: true, live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: true } },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 64, values: (_u, splits) => splits.map((v) => `${+v.toFixed(2)}${unit}`) },
        ],
        series: [
          { label: 'time' },
          ...series.map((s) => ({ label: s.label, stroke: resolve(s.colour), width: 1.5, ...(s.dash ? { dash: s.dash } : {}), points: { show: false }, spanGaps: false, value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${+v.toFixed(2)}${unit}`) })),
          ...(withLimit ? [{ label: 'limit', stroke: css('--danger', '#d64545'), width: 1, dash: [4, 4], points: { show: false } }] : []),
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
  }, [t, series, limit, height, unit]);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-canvas" />
    </figure>
  );
}
