import { describe, expect, it } from 'vitest';
import { parse as bench } from '../../bench/run.ts';
import { parse as denoSmoke } from '../../scripts/deno-smoke.ts';
import { parse as devBluesky } from '../../scripts/devBluesky.ts';
import { parseCli, runCli, UsageError } from '../../src/cli/args.ts';
import { parse as backup } from '../../src/cli/backup.ts';
import { parse as blueskyLabel } from '../../src/cli/blueskyLabel.ts';
import { parse as chaos } from '../../src/cli/chaos.ts';
import { parse as docsConfig } from '../../src/cli/docsConfig.ts';
import { parse as inspector } from '../../src/cli/inspector.ts';
import { parse as migrate } from '../../src/cli/migrate.ts';
import { parse as proof } from '../../src/cli/proof.ts';
import { parse as restore } from '../../src/cli/restore.ts';
import { parse as sandbox } from '../../src/cli/sandbox.ts';
import { parse as sim } from '../../src/cli/sim.ts';
import { parse as start } from '../../src/cli/start.ts';

/**
 * Every entry point parses its flags one way (src/cli/args.ts over node:util parseArgs,
 * strict): a misspelt flag is a one-line UsageError naming it, the nearest accepted flag and
 * all of them; `--help` parses on its own.
 */
type Parse = (argv: readonly string[]) => { help: boolean };

const CLIS: [name: string, parse: Parse, misspelt: string[], message: RegExp][] = [
  ['start', start, ['--port', '9000'], /^unknown flag --port; accepted: --help$/],
  [
    'migrate',
    migrate,
    ['--chek'],
    /^unknown flag --chek \(did you mean --check\?\); accepted: --db <value>, --check, --help$/,
  ],
  [
    'backup',
    backup,
    ['--to', 'b.db', '--forse'],
    /^unknown flag --forse \(did you mean --force\?\); accepted: --to <value>, --db <value>, --force, --help$/,
  ],
  [
    'restore',
    restore,
    ['--from', 'b.db', '--at-next-strat'],
    /^unknown flag --at-next-strat \(did you mean --at-next-start\?\); accepted: .*--at-next-start/,
  ],
  [
    'sandbox',
    sandbox,
    ['--key', 'none'],
    /^unknown flag --key \(did you mean --keys\?\); accepted: --keys <value>, --visibility-lag-ms <value>, --help$/,
  ],
  [
    'proof',
    proof,
    ['--windw', '30m'],
    /^unknown flag --windw \(did you mean --window\?\); accepted: --window <value>, --json, --db <value>, --target <value>, --help$/,
  ],
  [
    'sim',
    sim,
    ['--keyz', 'none'],
    /^unknown flag --keyz \(did you mean --keys\?\); accepted: --seeds <value>, .*--platform <value>, --help$/,
  ],
  [
    'chaos',
    chaos,
    ['--kils', '3'],
    /^unknown flag --kils \(did you mean --kills\?\); accepted: --kills <value>, /,
  ],
  ['docs:config', docsConfig, ['--check'], /^unknown flag --check; accepted: --help$/],
  ['inspector', inspector, ['--port', '1'], /^unknown flag --port; accepted: --help$/],
  ['bluesky:label', blueskyLabel, ['--handle', 'bot.test'], /^unknown flag --handle; accepted: --help$/],
  [
    'dev:bluesky',
    devBluesky,
    ['--user', '3'],
    /^unknown flag --user \(did you mean --users\?\); accepted: --traffic-per-min <value>, --users <value>, --help$/,
  ],
  ['deno-smoke', denoSmoke, ['/tmp/x', '--verbose'], /^unknown flag --verbose; accepted: --help$/],
  [
    'bench',
    bench,
    ['--quik'],
    /^unknown flag --quik \(did you mean --quick\?\); accepted: --quick, --only <value>, --record, /,
  ],
];

describe('every CLI parses its flags strictly', () => {
  it.each(CLIS)(
    '%s: a misspelt flag is a UsageError naming it and the accepted ones',
    (_name, parse, argv, message) => {
      let thrown: unknown;
      try {
        parse(argv);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).not.toContain('\n');
    },
  );

  it.each(CLIS)('%s: --help parses', (_name, parse) => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['-h']).help).toBe(true);
  });
});

describe('parseCli', () => {
  const spec = { options: { db: { type: 'string' }, force: { type: 'boolean' } } } as const;
  it.each([
    [['--db'], '--db needs a value'],
    [['--db='], '--db needs a value'],
    [['--db', '--force'], '--db needs a value'],
    [['--force=yes'], '--force takes no value'],
    [['stray'], 'unexpected argument "stray"'],
    [['-x'], 'unknown flag -x'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseCli(spec, argv)).toThrow(
      new RegExp(`^${message.replace(/[-]/g, '\\-')}; accepted: --db <value>, --force, --help$`),
    );
  });

  it('reads --name value and --name=value alike', () => {
    expect(parseCli(spec, ['--db', 'a.db', '--force']).values).toEqual({ db: 'a.db', force: true });
    expect(parseCli(spec, ['--db=a.db']).values).toEqual({ db: 'a.db' });
  });
});

describe('runCli', () => {
  const command = {
    name: 'demo',
    usage: 'usage: demo [--db PATH]',
    parse: (argv: readonly string[]) => {
      const { values } = parseCli({ options: { db: { type: 'string' } } }, argv);
      return { help: values.help === true, db: values.db };
    },
    run: async () => 0,
  };
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
  };

  it('exits 2 with one line on stderr for bad usage', async () => {
    const c = capture();
    expect(await runCli(command, ['--dbb', 'x'], c.io)).toBe(2);
    expect(c.err).toEqual([
      'demo: unknown flag --dbb (did you mean --db?); accepted: --db <value>, --help (see --help)',
    ]);
    expect(c.out).toEqual([]);
  });

  it('prints the usage and exits 0 for --help, without running', async () => {
    const c = capture();
    expect(await runCli({ ...command, run: async () => 1 }, ['--help'], c.io)).toBe(0);
    expect(c.out).toEqual(['usage: demo [--db PATH]']);
  });
});
