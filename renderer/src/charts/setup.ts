/**
 * chart.js with only what the charts use registered (keeps the bundle small): line charts on
 * linear axes (time is ms on a linear axis, see time-axis.ts), tooltips, legend, decimation,
 * and chartjs-plugin-zoom for wheel/pinch zoom and drag pan.
 */

import { Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';

let registered = false;

export function registerCharts(): typeof Chart {
  if (!registered) {
    Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Decimation, zoomPlugin);
    registered = true;
  }
  return Chart;
}

/** Series colours, distinguishable in both themes. */
export const PALETTE = ['#1d72d6', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c', '#0b7285', '#e67700', '#5c940d'];
