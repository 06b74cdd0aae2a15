/**
 * Reuses a computed value for `ttlMs` (per key). The status view counts rows over the
 * window on every call; under a polling dashboard or a scraper at 1,000 req/s, recomputing it
 * more than a few times a second only burns the core the pipeline needs. A fresh write shows
 * up at most `ttlMs` later.
 */
export function memoize<K, V>(
  compute: (key: K) => V,
  ttlMs: number,
  now: () => number = Date.now,
): (key: K) => V {
  const cache = new Map<K, { at: number; value: V }>();
  return (key) => {
    const hit = cache.get(key);
    const t = now();
    if (hit && t - hit.at < ttlMs) return hit.value;
    const value = compute(key);
    if (cache.size > 32) cache.clear();
    cache.set(key, { at: t, value });
    return value;
  };
}
