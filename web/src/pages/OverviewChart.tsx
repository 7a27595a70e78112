import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useResolvedTheme } from '../theme.ts';

export interface ChartSeries {
  label: string;
  color: string;
  counts: number[];
}

/**
 * A stacked time-series chart (uPlot, canvas): one band per series over the
 * buckets, a click on a bucket calls `onPick(bucket index, series label or null)`.
 * Loaded lazily with the overview (React.lazy), so uPlot is not in the first page's bundle.
 */
export default function OverviewChart({
  buckets,
  series,
  height = 220,
  onPick,
  testId,
}: {
  buckets: string[];
  series: ChartSeries[];
  height?: number;
  onPick?: (index: number) => void;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  // The canvas cannot use CSS variables: the chart is drawn again in the other theme's colours.
  const theme = useResolvedTheme();
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = buckets.map((b) => Date.parse(b) / 1000);
    // Stacked: each band is drawn at the running total, the first series on top of the others.
    const stacked: number[][] = [];
    let running = new Array<number>(xs.length).fill(0);
    for (const s of series) {
      running = running.map((v, i) => v + (s.counts[i] ?? 0));
      stacked.push(running);
    }
    const data: uPlot.AlignedData = [xs, ...stacked.slice().reverse()];
    const css = getComputedStyle(el);
    const axis = { stroke: css.getPropertyValue('--muted').trim() || '#646c78', grid: { stroke: css.getPropertyValue('--border').trim() || '#e1e4e9' } };
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height,
      // The card's totals under the chart name each series with its colour and count.
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [axis, { ...axis, size: 48 }],
      series: [
        {},
        ...series
          .slice()
          .reverse()
          .map((s) => ({ label: s.label, stroke: s.color, fill: `${s.color}cc`, width: 1, points: { show: false }, paths: uPlot.paths.stepped!({ align: 1 }) })),
      ],
      hooks: {
        ready: [
          (u: uPlot) => {
            u.over.addEventListener('click', () => {
              const idx = u.cursor.idx;
              if (idx !== null && idx !== undefined) pick.current?.(idx);
            });
          },
        ],
      },
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [buckets, series, height, theme]);

  return <div ref={box} className="overview-chart" data-testid={testId} />;
}
