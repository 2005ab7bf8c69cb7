// A ChartModel on screen with chart.js: the same model the SVG export renders, so what is seen is
// what is saved. Category axes become linear axes labelled at whole positions; error bars and
// reference lines are drawn by two small plugins (chart.js has neither built in).
import {
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  type Plugin,
  PointElement,
  ScatterController,
  type ScaleOptions,
  Title,
  Tooltip,
} from 'chart.js';
import { type ChartAxis, type ChartMarker, type ChartModel, type ChartPoint, type ChartSeries, chartColor, chartMarker } from '../../../../shared/chart/model.js';
import { axisScale } from '../../../../shared/chart/scale.js';
import { CHART_FONT_FAMILY } from '../../../../shared/chart/svg.js';

Chart.register(ScatterController, LineController, LinearScale, PointElement, LineElement, Filler, Legend, Title, Tooltip);

type Datum = ChartPoint & { series: number };
type ChartjsDataset = ChartDataset<'scatter' | 'line', Datum[]> & { errorAxis?: 'x' | 'y'; seriesColor?: string };

const POINT_STYLE: Record<ChartMarker, 'circle' | 'rect' | 'triangle' | 'rectRot'> = {
  circle: 'circle',
  'circle-open': 'circle',
  square: 'rect',
  'square-open': 'rect',
  triangle: 'triangle',
  diamond: 'rectRot',
};

const errorBars: Plugin = {
  id: 'psErrorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const sx = chart.scales.x;
    const sy = chart.scales.y;
    chart.data.datasets.forEach((raw, i) => {
      const ds = raw as unknown as ChartjsDataset;
      if (!ds.errorAxis || !chart.isDatasetVisible(i)) return;
      ctx.save();
      ctx.strokeStyle = ds.seriesColor ?? '#000';
      ctx.lineWidth = 1.2;
      for (const p of ds.data) {
        if (p.low === undefined || p.high === undefined) continue;
        ctx.beginPath();
        if (ds.errorAxis === 'x') {
          const y = sy.getPixelForValue(p.y);
          const a = sx.getPixelForValue(p.low);
          const b = sx.getPixelForValue(p.high);
          ctx.moveTo(a, y);
          ctx.lineTo(b, y);
          for (const e of [a, b]) {
            ctx.moveTo(e, y - 4);
            ctx.lineTo(e, y + 4);
          }
        } else {
          const x = sx.getPixelForValue(p.x);
          const a = sy.getPixelForValue(p.low);
          const b = sy.getPixelForValue(p.high);
          ctx.moveTo(x, a);
          ctx.lineTo(x, b);
          for (const e of [a, b]) {
            ctx.moveTo(x - 4, e);
            ctx.lineTo(x + 4, e);
          }
        }
        ctx.stroke();
      }
      ctx.restore();
    });
  },
};

/** Zero lines and the event-study reference period, under the data; a white page for PNG export. */
function backgroundPlugin(model: ChartModel): Plugin {
  return {
    id: 'psBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: a } = chart;
      ctx.save();
      ctx.strokeStyle = '#7f7f7f';
      ctx.lineWidth = 1;
      for (const r of model.refLines) {
        ctx.setLineDash(r.dash ? [4, 3] : []);
        ctx.beginPath();
        if (r.axis === 'x') {
          const x = chart.scales.x.getPixelForValue(r.value);
          ctx.moveTo(x, a.top);
          ctx.lineTo(x, a.bottom);
        } else {
          const y = chart.scales.y.getPixelForValue(r.value);
          ctx.moveTo(a.left, y);
          ctx.lineTo(a.right, y);
        }
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

function scale(model: ChartModel, axis: 'x' | 'y'): ScaleOptions<'linear'> {
  const a: ChartAxis = model[axis];
  const font = { family: CHART_FONT_FAMILY, size: 12 };
  const base = { type: 'linear' as const, title: { display: a.label !== '', text: a.label, font: { family: CHART_FONT_FAMILY, size: 13 } }, grid: { color: '#ececec' }, border: { color: '#000' } };
  if (a.categories) {
    const cats = a.categories;
    return {
      ...base,
      min: -0.5,
      max: cats.length - 0.5,
      reverse: axis === 'y',
      grid: { display: false },
      afterBuildTicks: (s) => {
        s.ticks = cats.map((_, i) => ({ value: i }));
      },
      ticks: { font, autoSkip: false, callback: (v) => (Number.isInteger(v) ? (cats[v as number] ?? '') : '') },
    } as ScaleOptions<'linear'>;
  }
  // the same range as the SVG export (error bars and reference lines included), ticks as there
  const s = axisScale(model, axis, 0, 1);
  const ticks = s.ticks.map((x) => ({ value: x.value }));
  return {
    ...base,
    min: s.domain[0],
    max: s.domain[1],
    afterBuildTicks: (scaleObj) => {
      scaleObj.ticks = ticks;
    },
    ticks: { font, callback: (v) => s.ticks.find((x) => Math.abs(x.value - (v as number)) < 1e-12)?.text ?? '' },
  } as ScaleOptions<'linear'>;
}

function dataset(s: ChartSeries, i: number): ChartjsDataset {
  const color = chartColor(s, i);
  const data: Datum[] = s.points.map((p) => ({ ...p, series: i }));
  if (s.type === 'bars') {
    // a histogram as a filled step outline on the linear axis
    const outline: Datum[] = [];
    for (const p of s.points) outline.push({ x: p.x, y: 0, series: i }, { x: p.x, y: p.y, series: i }, { x: p.x2 ?? p.x, y: p.y, series: i }, { x: p.x2 ?? p.x, y: 0, series: i });
    return { type: 'line', label: s.name, data: outline, borderColor: '#4d4d4d', backgroundColor: '#d9d9d9', borderWidth: 0.8, pointRadius: 0, fill: 'origin', tension: 0 } as ChartjsDataset;
  }
  if (s.type === 'line') {
    return { type: 'line', label: s.name, data, borderColor: color, backgroundColor: color, borderWidth: 1.6, borderDash: s.dash ? [6, 4] : [], pointRadius: 0, pointHitRadius: 4, pointStyle: 'line', fill: false, tension: 0 } as ChartjsDataset;
  }
  const marker = chartMarker(s, i);
  const open = (p: Datum) => marker.endsWith('-open') || p.label === 'reference';
  return {
    type: 'scatter',
    label: s.name,
    data,
    errorAxis: s.errorAxis ?? 'y',
    seriesColor: color,
    showLine: s.connect === true,
    borderColor: color,
    borderWidth: 1,
    pointStyle: POINT_STYLE[marker],
    pointRadius: 4.5,
    pointHoverRadius: 6,
    pointBorderColor: color,
    pointBackgroundColor: data.map((p) => (open(p) ? '#ffffff' : color)),
    pointBorderWidth: 1.2,
  } as unknown as ChartjsDataset;
}

const num = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4).replace(/\.?0+$/, ''));

export function chartConfig(model: ChartModel): ChartConfiguration<'scatter' | 'line', Datum[]> {
  return {
    type: 'scatter',
    data: { datasets: model.series.map(dataset) as ChartDataset<'scatter' | 'line', Datum[]>[] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      devicePixelRatio: Math.max(2, typeof window === 'undefined' ? 2 : window.devicePixelRatio),
      font: { family: CHART_FONT_FAMILY },
      scales: { x: scale(model, 'x'), y: scale(model, 'y') },
      plugins: {
        title: { display: model.title !== '', text: model.title, font: { family: CHART_FONT_FAMILY, size: 15, weight: 'bold' } },
        legend: { display: model.legend, position: 'bottom', labels: { usePointStyle: true, pointStyleWidth: 12, boxHeight: 8, font: { family: CHART_FONT_FAMILY, size: 12 } } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const p = item.raw as Datum;
              if (model.series[p.series]?.type !== 'points') return `${item.dataset.label ?? ''}: ${num(p.y)}`;
              const value = model.series[p.series].errorAxis === 'x' ? p.x : p.y;
              const ci = p.low !== undefined && p.high !== undefined ? ` [${num(p.low)}, ${num(p.high)}]` : '';
              return `${item.dataset.label ?? ''} · ${p.label ?? ''}: ${num(value)}${ci}`;
            },
          },
        },
      },
    },
    plugins: [backgroundPlugin(model), errorBars],
  };
}

export { Chart };
