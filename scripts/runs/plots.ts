/** Learning-curve plots as PNG, drawn by Chart.js onto an @napi-rs/canvas surface. */
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import { writeFileAtomic } from '../../envs/core/files.js';

Chart.register(...registerables);

export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Optional band (e.g. mean +- std), same length as x. */
  lower?: readonly number[];
  upper?: readonly number[];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function points(x: readonly number[], y: readonly number[]): { x: number; y: number }[] {
  return x.map((xi, i) => ({ x: xi, y: y[i]! })).filter((p) => Number.isFinite(p.y));
}

/** Render `series` as lines (with optional shaded bands) and write the PNG atomically. */
export function writeLineChart(path: string, series: readonly Series[], options: PlotOptions): void {
  const width = options.width ?? 800;
  const height = options.height ?? 500;
  const canvas = createCanvas(width, height);
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    if (s.lower && s.upper) {
      datasets.push({ label: `${s.label} (band)`, data: points(s.x, s.lower), borderWidth: 0, pointRadius: 0, fill: false });
      datasets.push({
        label: `${s.label} (band top)`, data: points(s.x, s.upper), borderWidth: 0, pointRadius: 0,
        fill: '-1', backgroundColor: `${color}33`,
      });
    }
    // Markers only where points are few enough to tell apart (a lone evaluation point must show).
    const pointRadius = s.x.length <= 30 ? 3 : 0;
    datasets.push({ label: s.label, data: points(s.x, s.y), borderColor: color, backgroundColor: color, pointRadius, borderWidth: 2 });
  });
  const chart = new Chart(canvas.getContext('2d') as unknown as ConstructorParameters<typeof Chart>[0], {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      scales: {
        x: { type: 'linear', title: { display: true, text: options.xLabel } },
        y: { title: { display: true, text: options.yLabel } },
      },
      plugins: {
        title: { display: true, text: options.title },
        legend: { labels: { filter: (item) => !item.text.includes('(band') } },
      },
    },
    plugins: [{
      id: 'white-background',
      beforeDraw: (c) => {
        c.ctx.save();
        c.ctx.fillStyle = 'white';
        c.ctx.fillRect(0, 0, c.width, c.height);
        c.ctx.restore();
      },
    }],
  });
  try {
    writeFileAtomic(path, canvas.toBuffer('image/png'));
  } finally {
    chart.destroy();
  }
}
