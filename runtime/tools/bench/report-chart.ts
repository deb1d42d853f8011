import type { LevelResult } from './level-result.js';
import { SLO } from './slo.js';
import type { BenchSummary } from './summary.js';

/**
 * The benchmark chart as a self-contained SVG: server CPU against concurrent sessions (top) and the
 * p99 latencies the SLO watches (bottom), bot and listen-only. Levels that broke the SLO are drawn
 * hollow; latencies above the axis are pinned to its top and labelled with their value.
 */

interface Point {
  readonly x: number;
  readonly y: number;
  readonly pass: boolean;
}

interface Series {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly Point[];
}

interface Panel {
  readonly top: number;
  readonly title: string;
  readonly yLabel: string;
  readonly yMax: number;
  readonly series: readonly Series[];
  readonly reference?: { readonly y: number; readonly label: string };
}

const WIDTH = 880;
const PANEL_HEIGHT = 230;
const LEFT = 70;
const RIGHT = 190;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function drawPanel(panel: Panel, xMax: number): string {
  const plotTop = panel.top + 30;
  const plotHeight = PANEL_HEIGHT - 70;
  const sx = (x: number): number => LEFT + (x / xMax) * PLOT_WIDTH;
  const sy = (y: number): number => plotTop + plotHeight - (Math.min(y, panel.yMax) / panel.yMax) * plotHeight;
  const parts: string[] = [`<text x="${LEFT}" y="${panel.top + 18}" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const yValue = (panel.yMax * i) / 4;
    const y = sy(yValue);
    parts.push(`<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_WIDTH}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${y + 4}" font-size="11" text-anchor="end">${Number(yValue.toFixed(2))}</text>`);
    const xValue = (xMax * i) / 4;
    parts.push(`<text x="${sx(xValue)}" y="${plotTop + plotHeight + 16}" font-size="11" text-anchor="middle">${Math.round(xValue)}</text>`);
  }
  parts.push(`<text x="${LEFT + PLOT_WIDTH / 2}" y="${plotTop + plotHeight + 32}" font-size="11" text-anchor="middle">concurrent sessions</text>`);
  parts.push(`<text x="16" y="${plotTop + plotHeight / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 16 ${plotTop + plotHeight / 2})">${escapeXml(panel.yLabel)}</text>`);
  if (panel.reference !== undefined) {
    const y = sy(panel.reference.y);
    parts.push(`<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_WIDTH}" y2="${y}" stroke="#c00" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${LEFT + PLOT_WIDTH - 4}" y="${y - 4}" font-size="11" fill="#c00" text-anchor="end">${escapeXml(panel.reference.label)}</text>`);
  }
  panel.series.forEach((series, index) => {
    if (series.points.length === 0) return;
    const path = series.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="5 3"' : ''} points="${path}"/>`);
    for (const p of series.points) {
      const fill = p.pass ? series.color : 'white';
      parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${fill}" stroke="${series.color}" stroke-width="1.5"/>`);
      if (p.y > panel.yMax) parts.push(`<text x="${sx(p.x).toFixed(1)}" y="${sy(p.y) - 6}" font-size="10" text-anchor="middle" fill="${series.color}">↑${Math.round(p.y)}</text>`);
    }
    const legendY = plotTop + 14 + index * 18;
    parts.push(`<line x1="${LEFT + PLOT_WIDTH + 16}" y1="${legendY - 4}" x2="${LEFT + PLOT_WIDTH + 36}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<text x="${LEFT + PLOT_WIDTH + 42}" y="${legendY}" font-size="11">${escapeXml(series.name)}</text>`);
  });
  return parts.join('\n');
}

function points(levels: readonly LevelResult[] | undefined, value: (level: LevelResult) => number | undefined): Point[] {
  return (levels ?? []).flatMap((level) => {
    const y = value(level);
    return y === undefined ? [] : [{ x: level.sessions, y, pass: level.slo.pass }];
  });
}

export function renderChart(summary: BenchSummary): string {
  const bot = summary.modes.bot?.levels;
  const listen = summary.modes.listen?.levels;
  const all = [...(bot ?? []), ...(listen ?? [])];
  const xMax = niceMax(Math.max(1, ...all.map((level) => level.sessions)));
  const cpu: Series[] = [
    { name: 'bot', color: '#1f77b4', points: points(bot, (l) => l.server.cpuUtilisation * 100) },
    { name: 'listen-only', color: '#2ca02c', points: points(listen, (l) => l.server.cpuUtilisation * 100) },
  ];
  const latency: Series[] = [
    { name: 'bot ping RTT', color: '#1f77b4', points: points(bot, (l) => l.pingRttMs?.p99) },
    { name: 'bot audio lateness', color: '#ff7f0e', points: points(bot, (l) => l.latenessMs?.p99) },
    { name: 'bot turn (server-added)', color: '#9467bd', dashed: true, points: points(bot, (l) => l.turnMs?.p99) },
    { name: 'listen-only ping RTT', color: '#2ca02c', points: points(listen, (l) => l.pingRttMs?.p99) },
  ];
  const cpuMax = Math.max(100, niceMax(Math.max(...cpu.flatMap((s) => s.points.map((p) => p.y)))));
  const height = 2 * PANEL_HEIGHT + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    drawPanel({ top: 0, title: 'Server CPU vs concurrent sessions (server pinned to one core)', yLabel: '% of one core', yMax: cpuMax, series: cpu, reference: { y: 100, label: 'one core' } }, xMax),
    drawPanel(
      { top: PANEL_HEIGHT, title: 'p99 latency vs concurrent sessions', yLabel: 'ms (p99)', yMax: 2 * SLO.pingRttP99Ms, series: latency, reference: { y: SLO.pingRttP99Ms, label: `SLO ${SLO.pingRttP99Ms} ms` } },
      xMax,
    ),
    `<text x="${LEFT}" y="${height - 12}" font-size="11" fill="#555">Hollow points: level broke the SLO. ${escapeXml(summary.machine.cpuModel)}, ${summary.machine.nproc} cores, Node ${escapeXml(summary.machine.node)}.</text>`,
    '</svg>',
    '',
  ].join('\n');
}
