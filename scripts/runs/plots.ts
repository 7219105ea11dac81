/**
 * Plots drawn by Chart.js (or directly, for image strips) onto @napi-rs/canvas surfaces: line charts
 * with mean +- std bands and horizontal reference lines, scatter plots coloured by a value with a
 * colour bar, and strips of RGB frames with captions.
 *
 * `writeLineChart` writes one PNG (run directories' learning curves); the `write*Plot` and
 * `writeImageStrip` functions write `BASE.png` and `BASE.svg` (text converted to paths, so the SVG
 * looks the same without the fonts) and return both paths.
 */
import { type Canvas, type SKRSContext2D, type SvgCanvas, ImageData, SvgExportFlag, createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { writeFileAtomic } from '../../envs/core/files.js';

Chart.register(...registerables);

export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Optional band (e.g. mean +- std), same length as x. */
  lower?: readonly number[];
  upper?: readonly number[];
  /** Line colour (default: the palette's next one) and width (default 2). */
  color?: string;
  lineWidth?: number;
}

/** A horizontal line at `y` across the plot, with an optional shaded band y +- `band` (a published anchor). */
export interface ReferenceLine {
  label: string;
  y: number;
  band?: number;
  color?: string;
}

export interface PlotOptions {
  title: string;
  /** A second, smaller title line. */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Start of the x axis (default: the data's). */
  xMin?: number;
  references?: readonly ReferenceLine[];
}

/** The files a plot was written to. */
export interface PlotFiles {
  png: string;
  svg: string;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const REFERENCE_COLOR = '#d62728';
const FONT = '14px sans-serif';

type Surface = Canvas | SvgCanvas;
type ChartContext = ConstructorParameters<typeof Chart>[0];

function points(x: readonly number[], y: readonly number[]): { x: number; y: number }[] {
  return x.map((xi, i) => ({ x: xi, y: y[i]! })).filter((p) => Number.isFinite(p.y));
}

/** Draw onto a PNG canvas and an SVG canvas of the same size and write BASE.png and BASE.svg. */
function writePngAndSvg(base: string, width: number, height: number, draw: (ctx: SKRSContext2D) => () => void): PlotFiles {
  const files = { png: `${base}.png`, svg: `${base}.svg` };
  renderTo(createCanvas(width, height), draw, (c) => writeFileAtomic(files.png, (c as Canvas).toBuffer('image/png')));
  renderTo(createCanvas(width, height, SvgExportFlag.ConvertTextToPaths), draw, (c) => writeFileAtomic(files.svg, (c as SvgCanvas).getContent()));
  return files;
}

function renderTo(canvas: Surface, draw: (ctx: SKRSContext2D) => () => void, save: (canvas: Surface) => void): void {
  const release = draw(canvas.getContext('2d'));
  try {
    save(canvas);
  } finally {
    release();
  }
}

/** Chart.js onto `ctx`; the config is built afresh for each surface (Chart.js annotates its datasets). */
function drawChart(makeConfig: () => ChartConfiguration): (ctx: SKRSContext2D) => () => void {
  return (ctx) => {
    const chart = new Chart(ctx as unknown as ChartContext, makeConfig());
    return () => chart.destroy();
  };
}

const whiteBackground: Plugin = {
  id: 'white-background',
  beforeDraw: (c) => {
    c.ctx.save();
    c.ctx.fillStyle = 'white';
    c.ctx.fillRect(0, 0, c.width, c.height);
    c.ctx.restore();
  },
};

/** Title, subtitle and the legend without the band helper datasets. */
function titlePlugins(options: PlotOptions, legend = true): Record<string, unknown> {
  return {
    title: { display: true, text: options.title, font: { size: 15 } },
    subtitle: { display: options.subtitle !== undefined, text: options.subtitle ?? '', padding: { bottom: 8 } },
    legend: { display: legend, labels: { filter: (item: { text: string }) => !item.text.includes('(band') } },
  };
}

/** A shaded band between `lower` and `upper` as two datasets (the second fills down to the first). */
function bandDatasets(label: string, lower: { x: number; y: number }[], upper: { x: number; y: number }[], color: string) {
  return [
    { label: `${label} (band)`, data: lower, borderWidth: 0, pointRadius: 0, fill: false },
    { label: `${label} (band top)`, data: upper, borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: `${color}33` },
  ];
}

function lineConfig(series: readonly Series[], options: PlotOptions): ChartConfiguration<'line'> {
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
  series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length]!;
    if (s.lower && s.upper) datasets.push(...bandDatasets(s.label, points(s.x, s.lower), points(s.x, s.upper), color));
    const borderWidth = s.lineWidth ?? 2;
    // Markers only where points are few enough to tell apart (a lone evaluation point must show).
    const pointRadius = s.x.length <= 30 ? Math.min(3, borderWidth + 1) : 0;
    datasets.push({ label: s.label, data: points(s.x, s.y), borderColor: color, backgroundColor: color, pointRadius, borderWidth });
  });
  // Reference lines last, so that Chart.js draws them first, under the data; they span the x axis.
  const references = options.references ?? [];
  const xs = series.flatMap((s) => s.x);
  const x0 = options.xMin ?? (xs.length ? Math.min(...xs) : 0);
  const x1 = xs.length ? Math.max(...xs) : x0 + 1;
  for (const ref of references) {
    const color = ref.color ?? REFERENCE_COLOR;
    const at = (y: number) => [{ x: x0, y }, { x: x1, y }];
    datasets.push({ label: ref.label, data: at(ref.y), borderColor: color, backgroundColor: `${color}33`, borderDash: [8, 5], borderWidth: 2, pointRadius: 0 });
    if (ref.band !== undefined) datasets.push(...bandDatasets(ref.label, at(ref.y - ref.band), at(ref.y + ref.band), color));
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      // Room for the last tick label, which the forced x maximum puts at the right edge.
      layout: { padding: { right: references.length ? 20 : 0 } },
      scales: {
        x: { type: 'linear', min: options.xMin, max: references.length ? x1 : undefined, title: { display: true, text: options.xLabel } },
        y: { title: { display: true, text: options.yLabel } },
      },
      plugins: titlePlugins(options) as never,
    },
    plugins: [whiteBackground],
  };
}

/** Render `series` as lines (with optional shaded bands and reference lines) and write the PNG atomically. */
export function writeLineChart(path: string, series: readonly Series[], options: PlotOptions): void {
  const canvas = createCanvas(options.width ?? 800, options.height ?? 500);
  renderTo(canvas, drawChart(() => lineConfig(series, options) as ChartConfiguration), () => writeFileAtomic(path, canvas.toBuffer('image/png')));
}

/** As writeLineChart, to BASE.png and BASE.svg. */
export function writeLinePlot(base: string, series: readonly Series[], options: PlotOptions): PlotFiles {
  return writePngAndSvg(base, options.width ?? 800, options.height ?? 500, drawChart(() => lineConfig(series, options) as ChartConfiguration));
}

// ---------------------------------------------------------------------------------------------
// Scatter plots coloured by a value

export interface ScatterPoint {
  x: number;
  y: number;
  /** Mapped to the point's colour (viridis, from the smallest value to the largest). */
  value: number;
}

export interface ScatterOptions extends Omit<PlotOptions, 'references' | 'xMin'> {
  /** What the colour shows: the colour bar's label. */
  valueLabel: string;
  pointRadius?: number;
}

/** Viridis at five stops, interpolated linearly in RGB. */
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]] as const;

/** The viridis colour of t in [0, 1] (clamped) as '#rrggbb'. */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  return `#${a.map((c, k) => Math.round(c + (b[k]! - c) * f).toString(16).padStart(2, '0')).join('')}`;
}

function valueRange(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

const COLOR_BAR_SPACE = 110;

/** A vertical colour bar right of the chart area, with five ticks and the value's label. */
function colorBar(range: [number, number], label: string): Plugin {
  return {
    id: 'color-bar',
    afterDraw: (chart) => {
      const { ctx, chartArea } = chart;
      const left = chartArea.right + 24;
      const barWidth = 16;
      const steps = 64;
      const height = chartArea.bottom - chartArea.top;
      ctx.save();
      for (let k = 0; k < steps; k++) {
        ctx.fillStyle = viridis(1 - (k + 0.5) / steps);
        ctx.fillRect(left, chartArea.top + (k * height) / steps, barWidth, height / steps + 0.5);
      }
      ctx.strokeStyle = '#666';
      ctx.strokeRect(left, chartArea.top, barWidth, height);
      ctx.fillStyle = '#444';
      ctx.font = '12px sans-serif';
      ctx.textBaseline = 'middle';
      for (let k = 0; k <= 4; k++) {
        const value = range[0] + ((range[1] - range[0]) * k) / 4;
        ctx.fillText(formatTick(value), left + barWidth + 4, chartArea.bottom - (k * height) / 4);
      }
      ctx.translate(left + barWidth + 56, (chartArea.top + chartArea.bottom) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center';
      ctx.font = FONT;
      ctx.fillText(label, 0, 0);
      ctx.restore();
    },
  };
}

function formatTick(value: number): string {
  const a = Math.abs(value);
  if (a !== 0 && (a >= 1e5 || a < 1e-2)) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

function scatterConfig(data: readonly ScatterPoint[], options: ScatterOptions): ChartConfiguration<'scatter'> {
  const range = valueRange(data.map((p) => p.value));
  const colors = data.map((p) => viridis((p.value - range[0]) / (range[1] - range[0])));
  return {
    type: 'scatter',
    data: {
      datasets: [{
        label: options.valueLabel, data: data.map((p) => ({ x: p.x, y: p.y })),
        backgroundColor: colors, borderColor: colors, pointRadius: options.pointRadius ?? 4,
      }],
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      layout: { padding: { right: COLOR_BAR_SPACE } },
      scales: {
        x: { type: 'linear', title: { display: true, text: options.xLabel } },
        y: { title: { display: true, text: options.yLabel } },
      },
      plugins: titlePlugins(options, false) as never,
    },
    plugins: [whiteBackground, colorBar(range, options.valueLabel)],
  };
}

/** A scatter plot whose points are coloured by `value`, with a colour bar, to BASE.png and BASE.svg. */
export function writeScatterPlot(base: string, data: readonly ScatterPoint[], options: ScatterOptions): PlotFiles {
  return writePngAndSvg(base, options.width ?? 800, options.height ?? 500, drawChart(() => scatterConfig(data, options) as ChartConfiguration));
}

// ---------------------------------------------------------------------------------------------
// Image strips

/** An image: shape [H, W, 3] (RGB) or [H, W] / [H, W, 1] (grayscale), values 0..255, row-major. */
export interface StripImage {
  shape: readonly number[];
  data: Uint8Array;
}

export interface ImageStripOptions {
  title?: string;
  /** One caption per image, under it. */
  captions?: readonly string[];
  /** Integer upscaling of every image (nearest neighbour); default: the images' height to about 128 px. */
  scale?: number;
}

const MARGIN = 10;
const GAP = 8;
const TITLE_HEIGHT = 28;
const CAPTION_HEIGHT = 22;

/** The image as an RGBA canvas, each pixel repeated `scale` x `scale` times. */
function rasterize(image: StripImage, scale: number, index: number): Canvas {
  const [h, w, c = 1] = image.shape;
  if (image.shape.length < 2 || image.shape.length > 3 || !h || !w || (c !== 1 && c !== 3) || image.data.length !== h * w * c) {
    throw new Error(`image strip: image ${index} must have shape [H, W, 3] or [H, W] with H*W*C values, got shape [${image.shape.join(', ')}] and ${image.data.length} values`);
  }
  const rgba = new Uint8ClampedArray(h * w * scale * scale * 4);
  const rowWidth = w * scale;
  for (let y = 0; y < h * scale; y++) {
    for (let x = 0; x < rowWidth; x++) {
      const src = ((Math.floor(y / scale) * w) + Math.floor(x / scale)) * c;
      const dst = (y * rowWidth + x) * 4;
      rgba[dst] = image.data[src]!;
      rgba[dst + 1] = image.data[src + (c === 3 ? 1 : 0)]!;
      rgba[dst + 2] = image.data[src + (c === 3 ? 2 : 0)]!;
      rgba[dst + 3] = 255;
    }
  }
  const canvas = createCanvas(rowWidth, h * scale);
  canvas.getContext('2d').putImageData(new ImageData(rgba, rowWidth, h * scale), 0, 0);
  return canvas;
}

/** A row of images with captions under them, to BASE.png and BASE.svg (images embedded as PNG). */
export function writeImageStrip(base: string, images: readonly StripImage[], options: ImageStripOptions = {}): PlotFiles {
  if (images.length === 0) throw new Error('image strip: no images');
  if (options.captions && options.captions.length !== images.length) {
    throw new Error(`image strip: ${options.captions.length} captions for ${images.length} images`);
  }
  const maxHeight = Math.max(...images.map((im) => im.shape[0] ?? 0));
  const scale = options.scale ?? Math.max(1, Math.round(128 / maxHeight));
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`image strip: scale must be a positive integer, got ${scale}`);
  const tiles = images.map((im, i) => rasterize(im, scale, i));
  const top = MARGIN + (options.title ? TITLE_HEIGHT : 0);
  const width = 2 * MARGIN + tiles.reduce((a, t) => a + t.width, 0) + GAP * (tiles.length - 1);
  const height = top + maxHeight * scale + (options.captions ? CAPTION_HEIGHT : 0) + MARGIN;
  return writePngAndSvg(base, width, height, (ctx) => {
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#222';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    if (options.title) {
      ctx.font = 'bold 15px sans-serif';
      ctx.fillText(options.title, width / 2, MARGIN + 4, width - 2 * MARGIN);
    }
    ctx.font = FONT;
    let x = MARGIN;
    tiles.forEach((tile, i) => {
      ctx.drawImage(tile, x, top);
      const caption = options.captions?.[i];
      if (caption !== undefined) ctx.fillText(caption, x + tile.width / 2, top + maxHeight * scale + 5, tile.width + GAP);
      x += tile.width + GAP;
    });
    return () => {};
  });
}
