import { describe, expect, it } from 'vitest';
import { memoize } from '../../http/memo.ts';

describe('memoize', () => {
  it('serves the computed value within the ttl and recomputes after, per key', () => {
    let now = 0;
    let calls = 0;
    const f = memoize(
      (k: number) => `${k}:${++calls}`,
      250,
      () => now,
    );
    expect(f(1)).toBe('1:1');
    now = 249;
    expect(f(1)).toBe('1:1');
    expect(f(2)).toBe('2:2');
    now = 250;
    expect(f(1)).toBe('1:3');
  });
});
