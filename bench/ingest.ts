import { loadConfig } from '../src/config/config.ts';
import { evaluationPolicyFrom } from '../src/policy/evaluate.ts';
import {
  durableVariant,
  floorVariant,
  plainjobVariant,
  type Variant,
  xstateActorVariant,
  xstateTransitionVariant,
} from './ingestVariants.ts';
import { fmt, fmtRatio, ratio, rssMb } from './stats.ts';
import { optedInRoot, realisticPost } from './synthetic.ts';
import type { BenchFn, Row } from './types.ts';
import { BENCH_ENV } from './workspace.ts';

/**
 * 1. Durable ingest: N synthetic candidates through discovered → evaluating → queued with
 * every transition persisted (`ingestPage`, pages of 1000), against the floor (raw inserts of
 * the same rows), the engine's ceiling (XState in memory) and a peer (plainjob). The N
 * candidates are split into rounds and the contenders take turns, so a noisy neighbour on the
 * shared machine hits them all alike.
 */
export const GOALS = { perSecond: 25_000, vsXstate: 0.6, vsPlainjob: 2, vsFloor: 0.75 };

function goalRow(measure: string, value: number, goal: number): Row {
  return { measure, value, unit: '×', comparisons: [], goal: { text: `≥ ${goal}×`, met: value >= goal } };
}

export const ingestBench: BenchFn = async ({ quick, workDir }) => {
  const n = quick ? 20_000 : 200_000;
  const rounds = quick ? 2 : 4;
  const policy = evaluationPolicyFrom(loadConfig(BENCH_ENV));
  const durable = await durableVariant(workDir, 'durable', optedInRoot);
  const mix = await durableVariant(workDir, 'durable-mix', realisticPost);
  const variants: Variant[] = [
    await floorVariant(workDir, optedInRoot),
    await floorVariant(workDir, optedInRoot, 'actorRow'),
    durable,
    xstateTransitionVariant(optedInRoot),
    xstateActorVariant(optedInRoot),
    await plainjobVariant(workDir, optedInRoot, policy),
    mix,
  ];
  const ms = new Map(variants.map((v) => [v.name, 0]));
  const per = Math.ceil(n / rounds);
  for (let r = 0; r < rounds; r++) {
    const start = r * per;
    const count = Math.min(per, n - start);
    for (const v of variants) ms.set(v.name, ms.get(v.name)! + (await v.run(start, count)));
  }
  const rssAfter = rssMb();
  for (const v of variants) await v.close();
  if (durable.counts.queued !== n) throw new Error(`durable ingest queued ${durable.counts.queued} of ${n}`);

  const rate = (name: string) => n / (ms.get(name)! / 1000);
  const r = {
    durable: rate('durable'),
    mix: rate('durable-mix'),
    floor: rate('floor'),
    floorActorRow: rate('floor (actors row)'),
    xstate: rate('xstate transition()'),
    actor: rate('xstate createActor'),
    plainjob: rate('plainjob'),
  };
  const vsX = ratio(r.durable, r.xstate);
  const vsP = ratio(r.durable, r.plainjob);
  const vsActor = ratio(r.durable, r.actor);
  const vsFloor = ratio(r.durable, r.floorActorRow);
  const cmp = (against: string, ref: number, value = r.durable) => ({
    against,
    ratio: ratio(value, ref),
    referenceValue: ref,
  });
  const rows: Row[] = [
    {
      measure: 'durable ingest, opted-in root mentions (ingestPage, pages of 1000)',
      value: r.durable,
      unit: 'candidates/s',
      comparisons: [
        cmp('(a) raw better-sqlite3 floor', r.floor),
        cmp("(a') raw floor of the 4-row layout (actors row)", r.floorActorRow),
        cmp('(b) raw XState transition()', r.xstate),
        cmp("(b') raw XState createActor", r.actor),
        cmp('(c) plainjob', r.plainjob),
      ],
      goal: { text: `≥ ${fmt(GOALS.perSecond)}/s`, met: r.durable >= GOALS.perSecond },
    },
    goalRow(
      "durable ÷ (a') the raw floor of the 4-row layout issue #13 measured against (candidates, queue_entries, actors, events)",
      vsFloor,
      GOALS.vsFloor,
    ),
    goalRow('durable ÷ (b) XState transition(), the API EntityHost steps with', vsX, GOALS.vsXstate),
    goalRow("durable ÷ (b') XState createActor + send", vsActor, GOALS.vsXstate),
    goalRow('durable ÷ (c) plainjob', vsP, GOALS.vsPlainjob),
    {
      measure: 'durable ingest, realistic mix (10/16 queued, 6/16 rejected)',
      value: r.mix,
      unit: 'candidates/s',
      comparisons: [
        cmp('(a) raw better-sqlite3 floor', r.floor, r.mix),
        cmp('opted-in durable ingest', r.durable, r.mix),
      ],
      note: `queued ${mix.counts.queued}, rejected ${mix.counts.rejected}`,
    },
    {
      measure: '(a) floor: raw batched inserts of the same rows (candidates, queue_entries, events)',
      value: r.floor,
      unit: 'rows-sets/s',
      comparisons: [],
    },
    {
      measure: "(a') floor of the 4-row layout: the same plus an actors row with the snapshot JSON",
      value: r.floorActorRow,
      unit: 'rows-sets/s',
      comparisons: [cmp('(a) floor', r.floor, r.floorActorRow)],
    },
    { measure: '(b) XState transition(), in memory', value: r.xstate, unit: 'candidates/s', comparisons: [] },
    {
      measure: "(b') XState createActor + 2 sends, in memory",
      value: r.actor,
      unit: 'candidates/s',
      comparisons: [],
    },
    {
      measure: '(c) plainjob: enqueue + worker evaluates + done',
      value: r.plainjob,
      unit: 'candidates/s',
      comparisons: [],
    },
  ];
  return {
    id: 'ingest',
    title: `Durable ingest (N = ${fmt(n)})`,
    rows,
    summary:
      `ingest: ${fmt(r.durable)} candidates/s durable — ${fmtRatio(ratio(r.durable, r.floor))} floor, ` +
      `${fmtRatio(vsFloor)} 4-row floor, ` +
      `${fmtRatio(vsX)} XState transition() (${fmtRatio(vsActor)} createActor), ${fmtRatio(vsP)} plainjob ` +
      `(goals ≥ ${fmt(GOALS.perSecond)}/s, ≥ ${GOALS.vsFloor}× 4-row floor, ≥ ${GOALS.vsXstate}× XState, ≥ ${GOALS.vsPlainjob}× plainjob)`,
    details: { n, rounds, ms: Object.fromEntries(ms), rates: r, mixCounts: mix.counts },
    rssMb: rssAfter,
  };
};
