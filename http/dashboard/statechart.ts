import type { MachineGraph } from '../machines/graph.ts';
import { h, type Safe } from './html.ts';

/**
 * Draws a machine as an inline SVG: states as rounded boxes in columns by distance from the
 * initial state (final states in the last column), live counts as badges, transitions as
 * arrows labelled with their events. Back edges arc over the top. Readable, not fancy.
 */
const W = 150;
const H = 44;
const GAP_X = 78;
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
      boxes.set(n.key, { key: n.key, x: PAD + r * (W + GAP_X), y, h: heightOf(n), rank: r, final: n.final, children: n.children });
      y += heightOf(n) + GAP_Y;
    }
  }
  const ranks = Math.max(...[...rank.values()]) + 1;
  return { boxes, width: PAD * 2 + ranks * W + (ranks - 1) * GAP_X, height: TOP + tallest + PAD };
}

/** Event names only (guards live in the JSON), each once. */
function shortLabel(labels: string[]): string {
  const events = [...new Set(labels.map((l) => l.replace(/\s*\[.*\]$/, '')))];
  return events.join(', ');
}

export function statechartSvg(name: string, graph: MachineGraph, counts: Record<string, number>): Safe {
  const { boxes, width, height } = layout(graph);
  const markerId = `arrow-${name}`;
  const edges = graph.edges.map((e) => {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    if (!a || !b) return '';
    const label = shortLabel(e.labels);
    if (b.rank > a.rank) {
      const x1 = a.x + W;
      const y1 = a.y + a.h / 2;
      const x2 = b.x;
      const y2 = b.y + b.h / 2;
      const mx = x1 + (x2 - x1) * 0.5;
      return h`<g class="edge"><path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}" marker-end="url(#${markerId})"/>
        <text x="${mx}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${label}</text></g>`;
    }
    if (b.rank === a.rank) {
      const down = b.y > a.y;
      const x = a.x + W / 2;
      const y1 = down ? a.y + a.h : a.y;
      const y2 = down ? b.y : b.y + b.h;
      return h`<g class="edge"><path d="M${x},${y1} L${x},${down ? y2 - 2 : y2 + 2}" marker-end="url(#${markerId})"/>
        <text x="${x + 6}" y="${(y1 + y2) / 2 + 4}">${label}</text></g>`;
    }
    const x1 = a.x + W * 0.35;
    const x2 = b.x + W * 0.65;
    const y1 = a.y;
    const y2 = b.y;
    const apex = Math.min(y1, y2) - 22 - (a.rank - b.rank) * 4;
    return h`<g class="edge back"><path d="M${x1},${y1} C${x1},${apex} ${x2},${apex} ${x2},${y2 - 2}" marker-end="url(#${markerId})"/>
      <text x="${(x1 + x2) / 2}" y="${apex + 2}" text-anchor="middle">${label}</text></g>`;
  });
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
  const start = graph.initial ? boxes.get(graph.initial) : undefined;
  const initial = start
    ? h`<g class="initial"><circle cx="${start.x - 16}" cy="${start.y + start.h / 2}" r="5"/>
       <path d="M${start.x - 11},${start.y + start.h / 2} L${start.x - 2},${start.y + start.h / 2}" marker-end="url(#${markerId})"/></g>`
    : '';
  return h`<svg class="statechart" data-testid="statechart-${name}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}"
    width="${Math.ceil(width)}" role="img" aria-label="${name} statechart">
    <defs><marker id="${markerId}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
    <path d="M0,0 L10,5 L0,10 z"/></marker></defs>
    ${initial}${edges}${nodes}</svg>`;
}
