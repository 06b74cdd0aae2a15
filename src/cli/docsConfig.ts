import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../config/config.ts';
import { configTable } from '../config/docs.ts';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

/** README with its configuration table regenerated from the schema's defaults and CONFIG_DOCS. */
export function withConfigTable(readme: string): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error('README has no config-table markers');
  return `${readme.slice(0, from + START.length)}\n${configTable(loadConfig({}))}\n${readme.slice(to)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../../README.md', import.meta.url);
  writeFileSync(path, withConfigTable(readFileSync(path, 'utf8')));
}
