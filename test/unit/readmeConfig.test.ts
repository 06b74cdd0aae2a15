import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../../src/cli/docsConfig.ts';
import { configSchema } from '../../src/config/config.ts';
import { CONFIG_DOCS } from '../../src/config/docs.ts';

describe('README configuration table', () => {
  it('documents every setting of the schema', () => {
    expect(Object.keys(CONFIG_DOCS).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('is up to date (run `npm run docs:config`)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('keeps the two newcomer commands near the top', () => {
    const top = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
      .split('\n')
      .slice(0, 12)
      .join('\n');
    expect(top).toContain('npm ci && npm start');
    expect(top).toContain('npm test');
  });
});
