import { describe, expect, it } from 'vitest';
import { firstInTierOrder, type Rankable, tierOrder } from '../../src/policy/tierOrder.ts';

const e = (id: string, tier: number, score: number, expiresAt: number): Rankable => ({
  id,
  tier,
  score,
  expiresAt,
});

describe('tierOrder', () => {
  it.each<[string, Rankable, Rankable]>([
    ['lower tier first, whatever the score', e('b', 1, 75, 9), e('a', 2, 99, 1)],
    ['higher score first within a tier', e('b', 2, 70, 9), e('a', 2, 60, 1)],
    ['earliest expiry first among equals', e('b', 2, 70, 1), e('a', 2, 70, 9)],
    ['then id', e('a', 2, 70, 1), e('b', 2, 70, 1)],
  ])('%s', (_, first, second) => {
    expect(tierOrder(first, second)).toBeLessThan(0);
    expect(tierOrder(second, first)).toBeGreaterThan(0);
  });

  it('is zero only for the same key', () => {
    expect(tierOrder(e('a', 1, 80, 5), e('a', 1, 80, 5))).toBe(0);
  });

  it('sorts a queue the way the scheduler picks', () => {
    const queue = [e('q4', 3, 90, 1), e('q2', 1, 76, 9), e('q1', 1, 80, 9), e('q3', 1, 76, 2)];
    expect(queue.toSorted(tierOrder).map((x) => x.id)).toEqual(['q1', 'q3', 'q2', 'q4']);
    expect(firstInTierOrder(queue)?.id).toBe('q1');
    expect(firstInTierOrder([])).toBeNull();
  });
});
