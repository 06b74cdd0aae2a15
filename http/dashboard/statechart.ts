import type { MachineGraph } from '../machines/graph.ts';
import { h, type Safe } from './html.ts';

/**
 * Draws a machine as an inline SVG: states as rounded boxes in columns by distance from the
 * initial state (final states in the last column), live counts as badges, transitions as
 * arrows labelled with their events. Back edges arc over the top. Readable, not fancy.
 */
const W = 150;
const H = 44;
const GAP_X = 96;
const GAP_Y = 30;
const PAD = 28;
const TOP = 46;

interface Box {
  key: string;
  x: number;
  y: number;
  h: number;
  rank: number;
  final: boolean;
  children: string[];
}

export function layout(graph: MachineGraph): { boxes: Map<string, Box>; width: number; height: number } {
  const rank = new Map<string, number>();
  const finals = new Set(graph.nodes.filter((n) => n.final).map((n) => n.key));
  const start = graph.initial ?? graph.nodes[0]?.key;
  if (start) rank.set(start, 0);
  const queue = start ? [start] : [];
  while (queue.length) {
    const from = queue.shift()!;
    for (const e of graph.edges) {
      if (e.from !== from || finals.has(e.to) || rank.has(e.to)) continue;
      rank.set(e.to, rank.get(from)! + 1);
      queue.push(e.to);
    }
  }
  let maxRank = Math.max(0, ...rank.values());
  for (const n of graph.nodes) if (!finals.has(n.key) && !rank.has(n.key)) rank.set(n.key, ++maxRank);
  for (const key of finals) rank.set(key, maxRank + 1);

  const columns = new Map<number, typeof graph.nodes>();
  for (const n of graph.nodes) {
    const r = rank.get(n.key)!;
    columns.set(r, [...(columns.get(r) ?? []), n]);
  }
  const heightOf = (n: { children: string[] }) => (n.children.length ? H + 14 : H);
  const columnHeight = (nodes: typeof graph.nodes) => nodes.reduce((s, n) => s + heightOf(n) + GAP_Y, -GAP_Y);
  const tallest = Math.max(...[...columns.values()].map(columnHeight));
  const boxes = new Map<string, Box>();
  for (const [r, nodes] of columns) {
    let y = TOP + (tallest - columnHeight(nodes)) / 2;
    for (const n of nodes) {
      boxes.set(n.key, {
        key: n.key,
        x: PAD + r * (W + GAP_X),
        y,
        h: heightOf(n),
        rank: r,
        final: n.final,
        children: n.children,
      });
      y += heightOf(n) + GAP_Y;
    }
  }
  const ranks = Math.max(...[...rank.values()]) + 1;
  return { boxes, width: PAD * 2 + ranks * W + (ranks - 1) * GAP_X, height: TOP + tallest + PAD };
}

/** Event names only (guards live in the JSON), each once, one per line. */
function labelLines(labels: string[]): string[] {
  return [...new Set(labels.map((l) => l.replace(/\s*\[.*\]$/, '')))];
}

type Point = [number, number];
type Curve = [Point, Point, Point, Point];
interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function at(c: Curve, t: number): Point {
  const u = 1 - t;
  const f = (i: 0 | 1) =>
    u * u * u * c[0][i] + 3 * u * u * t * c[1][i] + 3 * u * t * t * c[2][i] + t * t * t * c[3][i];
  return [f(0), f(1)];
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The curve for one edge: forward edges run right, same-column edges vertically, back edges arc over the top. */
function curveOf(a: Box, b: Box): Curve {
  if (b.rank > a.rank) {
    const x1 = a.x + W;
    const y1 = a.y + a.h / 2;
    const x2 = b.x - 2;
    const y2 = b.y + b.h / 2;
    const mx = (x1 + x2) / 2;
    return [
      [x1, y1],
      [mx, y1],
      [mx, y2],
      [x2, y2],
    ];
  }
  if (b.rank === a.rank) {
    const down = b.y > a.y;
    const x = a.x + W / 2;
    const y1 = down ? a.y + a.h : a.y;
    const y2 = down ? b.y - 2 : b.y + b.h + 2;
    return [
      [x, y1],
      [x, (2 * y1 + y2) / 3],
      [x, (y1 + 2 * y2) / 3],
      [x, y2],
    ];
  }
  const x1 = a.x + W * 0.35;
  const x2 = b.x + W * 0.65;
  const apex = Math.max(4, Math.min(a.y, b.y) - 26 - (a.rank - b.rank) * 5);
  return [
    [x1, a.y],
    [x1, apex],
    [x2, apex],
    [x2, b.y - 2],
  ];
}

const LABEL_TS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88];

const LINE = 12;
const NUDGES = [0, -LINE, LINE, -2 * LINE, 2 * LINE, -3 * LINE, 3 * LINE, -4 * LINE, 4 * LINE];

/**
 * Greedy placement of a label (one event per line): the first point along the curve, nudged
 * up or down by whole lines, where it covers no box and no other label.
 */
function placeLabel(curve: Curve, lines: string[], taken: Rect[]): Point {
  const w = Math.max(...lines.map((l) => l.length)) * 5.6 + 6;
  const h = lines.length * LINE + 2;
  for (const nudge of NUDGES) {
    for (const t of LABEL_TS) {
      const [x, y0] = at(curve, t);
      const y = y0 + nudge;
      const rect = { x: x - w / 2, y: y - h / 2, w, h };
      if (!taken.some((r) => overlaps(r, rect))) {
        taken.push(rect);
        return [x, y];
      }
    }
  }
  return at(curve, 0.5);
}

const path = (c: Curve) => `M${c[0].join(',')} C${c[1].join(',')} ${c[2].join(',')} ${c[3].join(',')}`;

export function statechartSvg(name: string, graph: MachineGraph, counts: Record<string, number>): Safe {
  const { boxes, width, height } = layout(graph);
  const markerId = `arrow-${name}`;
  const taken: Rect[] = [...boxes.values()].map((b) => ({ x: b.x - 2, y: b.y - 10, w: W + 12, h: b.h + 12 }));
  const drawn = graph.edges.flatMap((e) => {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    if (!a || !b) return [];
    const curve = curveOf(a, b);
    return [{ curve, back: b.rank < a.rank, span: Math.abs(b.rank - a.rank), lines: labelLines(e.labels) }];
  });
  // Short edges have the fewest free spots, so they choose first.
  const labels = [...drawn]
    .sort((x, y) => x.span - y.span || y.lines.length - x.lines.length)
    .map((d) => ({ ...d, at: placeLabel(d.curve, d.lines, taken) }));
  const edges = drawn.map(
    (d) =>
      h`<path class="${d.back ? 'edge back' : 'edge'}" d="${path(d.curve)}" marker-end="url(#${markerId})"/>`,
  );
  const nodes = [...boxes.values()].map((b) => {
    const n = counts[b.key] ?? 0;
    const cls = ['state', b.final ? 'final' : '', n > 0 ? 'live' : ''].filter(Boolean).join(' ');
    return h`<g class="${cls}" data-state="${b.key}" data-count="${n}">
      <rect x="${b.x}" y="${b.y}" width="${W}" height="${b.h}" rx="10"/>
      ${b.final ? h`<rect class="inner" x="${b.x + 3}" y="${b.y + 3}" width="${W - 6}" height="${b.h - 6}" rx="8"/>` : ''}
      <text class="name" x="${b.x + W / 2}" y="${b.y + 27}" text-anchor="middle">${b.key}</text>
      ${b.children.length ? h`<text class="sub" x="${b.x + W / 2}" y="${b.y + 43}" text-anchor="middle">${b.children.join(' · ')}</text>` : ''}
      <g class="badge"><rect x="${b.x + W - 30}" y="${b.y - 9}" width="38" height="18" rx="9"/>
      <text x="${b.x + W - 11}" y="${b.y + 4}" text-anchor="middle">${n}</text></g></g>`;
  });
  const texts = labels.map((l) => {
    const x = l.at[0].toFixed(1);
    const top = l.at[1] - ((l.lines.length - 1) * LINE) / 2 + 3.5;
    return h`<text class="edge-label" x="${x}" y="${top.toFixed(1)}" text-anchor="middle">${l.lines.map(
      (line, i) => h`<tspan x="${x}" dy="${i === 0 ? 0 : LINE}">${line}</tspan>`,
    )}</text>`;
  });
  const start = graph.initial ? boxes.get(graph.initial) : undefined;
  const initial = start
    ? h`<g class="initial"><circle cx="${start.x - 16}" cy="${start.y + start.h / 2}" r="5"/>
       <path d="M${start.x - 11},${start.y + start.h / 2} L${start.x - 2},${start.y + start.h / 2}" marker-end="url(#${markerId})"/></g>`
    : '';
  return h`<svg class="statechart" data-testid="statechart-${name}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}"
    width="${Math.ceil(width)}" role="img" aria-label="${name} statechart">
    <defs><marker id="${markerId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
    <path d="M0,0 L10,5 L0,10 z"/></marker></defs>
    ${initial}<g class="edges">${edges}</g>${nodes}<g class="labels">${texts}</g></svg>`;
}
