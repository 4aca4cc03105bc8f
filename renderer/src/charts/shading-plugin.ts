/**
 * A chart.js plugin that explains gaps: it paints the periods when a series' publisher was
 * offline or asleep as bands behind the lines, and draws broker restarts as dashed vertical
 * lines (the time the app was not running before one as a lighter band). It also paints the
 * chart's background, so a PNG export is not transparent.
 */

import type { Chart, ChartType, Plugin } from 'chart.js';
import type { PeriodKind, RestartMarkerDto } from '../../../electron/contract/index.js';

export interface ShadedPeriod {
  kind: PeriodKind;
  start: number;
  /** null: still going on (drawn up to the right edge) */
  end: number | null;
}

export interface ShadingOptions {
  periods: ShadedPeriod[];
  restarts: RestartMarkerDto[];
  background: string;
  colors: { offline: string; sleeping: string; down: string; restart: string; text: string };
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the merged declaration must repeat chart.js's type parameter
  interface PluginOptionsByType<TType extends ChartType> {
    fwShading?: Partial<ShadingOptions>;
  }
}

function xRange(chart: Chart, start: number, end: number | null): [number, number] | null {
  const x = chart.scales['x'];
  if (!x) return null;
  const { left, right } = chart.chartArea;
  const a = Math.max(left, x.getPixelForValue(start));
  const b = Math.min(right, end === null ? right : x.getPixelForValue(end));
  return b > a ? [a, b] : null;
}

export const shadingPlugin: Plugin<'line', ShadingOptions> = {
  id: 'fwShading',
  defaults: {
    periods: [],
    restarts: [],
    background: '#ffffff',
    colors: { offline: 'rgba(198,40,40,0.13)', sleeping: 'rgba(29,95,214,0.12)', down: 'rgba(102,112,133,0.16)', restart: '#667085', text: '#667085' },
  },
  beforeDraw(chart, _args, opts) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = opts.background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
  beforeDatasetsDraw(chart, _args, opts) {
    const { ctx, chartArea } = chart;
    ctx.save();
    for (const p of opts.periods) {
      const r = xRange(chart, p.start, p.end);
      if (!r) continue;
      ctx.fillStyle = p.kind === 'sleeping' ? opts.colors.sleeping : opts.colors.offline;
      ctx.fillRect(r[0], chartArea.top, r[1] - r[0], chartArea.bottom - chartArea.top);
    }
    for (const m of opts.restarts) {
      if (m.downSince === null) continue;
      const r = xRange(chart, m.downSince, m.at);
      if (!r) continue;
      ctx.fillStyle = opts.colors.down;
      ctx.fillRect(r[0], chartArea.top, r[1] - r[0], chartArea.bottom - chartArea.top);
    }
    ctx.restore();
  },
  afterDatasetsDraw(chart, _args, opts) {
    const x = chart.scales['x'];
    if (!x) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.strokeStyle = opts.colors.restart;
    ctx.fillStyle = opts.colors.text;
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1;
    ctx.font = '10px system-ui, sans-serif';
    for (const m of opts.restarts) {
      const px = x.getPixelForValue(m.at);
      if (px < chartArea.left || px > chartArea.right) continue;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.fillText(m.downSince === null ? 'start' : 'restart', Math.min(px + 3, chartArea.right - 34), chartArea.top + 10);
    }
    ctx.restore();
  },
};
