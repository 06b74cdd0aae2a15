import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../config/config.ts';
import { devFlagsTable } from '../config/devFlags.ts';
import { configTable } from '../config/docs.ts';
import { parseCli, runCli, runIfEntry } from './args.ts';

/**
 * `npm run docs:config`: regenerates README's configuration table (from the schema's defaults
 * and CONFIG_DOCS) and its developer-flags table (from src/config/devFlags.ts).
 */
const USAGE = 'usage: npm run docs:config — takes no flags; rewrites the two generated tables in README.md';

const TABLES = [
  {
    start: '<!-- config-table:start -->',
    end: '<!-- config-table:end -->',
    table: () => configTable(loadConfig({})),
  },
  { start: '<!-- dev-flags:start -->', end: '<!-- dev-flags:end -->', table: devFlagsTable },
];

/** README with its generated tables rewritten. */
export function withConfigTable(readme: string): string {
  let text = readme;
  for (const { start, end, table } of TABLES) {
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README has no ${start} … ${end} markers`);
    text = `${text.slice(0, from + start.length)}\n${table()}\n${text.slice(to)}`;
  }
  return text;
}

export function main(argv: readonly string[]): Promise<number> {
  return runCli(
    {
      name: 'docs:config',
      usage: USAGE,
      parse,
      async run(_flags, { out }) {
        const path = new URL('../../README.md', import.meta.url);
        writeFileSync(path, withConfigTable(readFileSync(path, 'utf8')));
        out('README.md: configuration and developer-flags tables regenerated');
        return 0;
      },
    },
    argv,
  );
}

export function parse(argv: readonly string[]) {
  return { help: parseCli({ options: {} }, argv).values.help === true };
}

runIfEntry(import.meta.url, 'docs:config', main);
