/**
 * A horizontal bar chart drawn on the server as inline SVG: it shows without JavaScript, and screen
 * readers get its title, a description listing every value, and each bar's label and value as text.
 */
import { useId } from "react";

export interface Bar {
  label: string;
  value: number;
}

const WIDTH = 640;
const LABEL = 200;
const VALUE = 56;
const ROW = 26;
const BAR = 18;
const clip = (text: string, max = 26) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function BarChart({ title, description, bars, testId }: { title: string; description: string; bars: readonly Bar[]; testId: string }) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW + 4;
  const span = WIDTH - LABEL - VALUE;
  const values = bars.map((b) => `${b.label}: ${b.value}`).join("; ");
  return (
    <figure className="card overflow-x-auto" data-testid={testId}>
      <svg role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${WIDTH} ${height}`} className="h-auto w-full max-w-3xl text-slate-700 dark:text-slate-200" style={{ minWidth: 320 }}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{values ? `${description} ${values}.` : description}</desc>
        {bars.map((bar, i) => {
          const y = i * ROW + 2;
          const w = bar.value > 0 ? Math.max(2, (bar.value / max) * span) : 0;
          return (
            <g key={`${bar.label}-${i}`} data-bar="">
              <title>{`${bar.label}: ${bar.value}`}</title>
              <text x={LABEL - 8} y={y + BAR / 2} dominantBaseline="central" textAnchor="end" fontSize="12" fill="currentColor">
                {clip(bar.label)}
              </text>
              <rect x={LABEL} y={y} width={w} height={BAR} rx="2" className="fill-sky-600 dark:fill-sky-400" />
              <text x={LABEL + w + 6} y={y + BAR / 2} dominantBaseline="central" fontSize="12" fill="currentColor" className="tabular-nums">
                {bar.value}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 text-sm text-slate-600 dark:text-slate-300">{title}</figcaption>
    </figure>
  );
}
