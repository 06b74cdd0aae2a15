import { describe, expect, it } from 'vitest';
import { layout, statechartSvg } from '../../http/dashboard/statechart.ts';
import { machineGraph } from '../../http/machines/graph.ts';
import { machineRegistry } from '../../machines/registry.ts';

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  name: string;
}

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Label boxes as drawn: centered text, one event per 12px line, ~5.6px per character. */
function labelRects(svg: string): Rect[] {
  return [...svg.matchAll(/<text class="edge-label" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)<\/text>/g)].map(
    (m) => {
      const lines = [...m[3]!.matchAll(/>([^<]+)</g)].map((l) => l[1]!);
      const w = Math.max(...lines.map((l) => l.length)) * 5.6 + 6;
      return {
        x: Number(m[1]) - w / 2,
        y: Number(m[2]) - 9.5,
        w,
        h: lines.length * 12,
        name: lines.join('/'),
      };
    },
  );
}

describe('statechartSvg', () => {
  it.each(machineRegistry.map((m) => [m.name, m] as const))('draws %s readably', (name, entry) => {
    const graph = machineGraph(entry.machine);
    const svg = statechartSvg(name, graph, { [graph.nodes[0]!.key]: 3 }).html;
    for (const node of graph.nodes) expect(svg).toContain(`data-state="${node.key}"`);
    expect(svg).toContain(`data-state="${graph.nodes[0]!.key}" data-count="3"`);
    const { boxes, width, height } = layout(graph);
    const boxRects = [...boxes.values()].map((b) => ({ x: b.x, y: b.y, w: 150, h: b.h, name: b.key }));
    const labels = labelRects(svg);
    expect(labels).toHaveLength(graph.edges.length);
    for (const label of labels) {
      for (const box of boxRects) expect(overlaps(label, box), `${label.name} over ${box.name}`).toBe(false);
      for (const other of labels)
        if (other !== label) expect(overlaps(label, other), `${label.name} over ${other.name}`).toBe(false);
      expect(label.x >= 0 && label.y >= 0 && label.x + label.w <= width && label.y + label.h <= height).toBe(
        true,
      );
    }
  });
});
