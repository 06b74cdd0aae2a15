import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { formatDuration, parseDuration } from '../../src/proof/duration.ts';
import { parseTargetSpec, resolveTargets, TargetSpecError } from '../../src/proof/targets.ts';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    [' 15M ', 900_000],
    ['30d', 2_592_000_000],
    ['31d', null],
    ['0m', null],
    ['30', null],
    ['m', null],
    ['-5m', null],
    ['5 m', null],
    ['1w', null],
    ['', null],
  ])('%j → %j', (input, expected) => expect(parseDuration(input)).toBe(expected));

  it.each([
    [1_800_000, '30m'],
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [86_400_000, '1d'],
  ])('formats %d as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('proof targets', () => {
  it('parses key=value specs', () => {
    expect(parseTargetSpec('queueSize=5, permitsUsed=2')).toEqual({ queueSize: 5, permitsUsed: 2 });
  });

  it.each(['nope=1', 'queueSize=-1', 'queueSize=x', 'queueSize=1.5'])('rejects %s', (spec) => {
    expect(() => parseTargetSpec(spec)).toThrow(TargetSpecError);
  });

  it('layers defaults, the queue watermark, REPLYWRIGHT_PROOF_TARGETS and overrides', () => {
    const targets = resolveTargets(
      { REPLYWRIGHT_QUEUE_LOW_WATERMARK: 4, REPLYWRIGHT_PROOF_TARGETS: 'fetchStarted=1,permitsUsed=3' },
      { permitsUsed: 5 },
    );
    expect(targets).toMatchObject({
      queueSize: 4,
      fetchStarted: 1,
      permitsUsed: 5,
      fetchCompleted: 2,
      ghostsMax: 0,
    });
  });

  it('a bad REPLYWRIGHT_PROOF_TARGETS is a config error at start-up, naming the variable', () => {
    expect(() => loadConfig({ REPLYWRIGHT_PROOF_TARGETS: 'queueSiz=5' })).toThrow(
      new ConfigError('invalid REPLYWRIGHT_PROOF_TARGETS: unknown proof target "queueSiz"'),
    );
    expect(loadConfig({ REPLYWRIGHT_PROOF_TARGETS: 'queueSize=5' }).REPLYWRIGHT_PROOF_TARGETS).toBe(
      'queueSize=5',
    );
  });
});
