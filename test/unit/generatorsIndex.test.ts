import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { createGenerator } from '../../src/generators/index.ts';

describe('createGenerator', () => {
  it.each<[Record<string, string>, string]>([
    [{}, 'template'],
    [{ REPLYWRIGHT_GENERATOR: 'template' }, 'template'],
    [{ REPLYWRIGHT_GENERATOR: 'openai', REPLYWRIGHT_OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }, 'openai'],
  ])('%j → %s', (env, name) => {
    expect(createGenerator(loadConfig(env)).name).toBe(name);
  });

  it('names the missing variable for openai', () => {
    expect(() => createGenerator(loadConfig({ REPLYWRIGHT_GENERATOR: 'openai' }))).toThrow(ConfigError);
    expect(() => createGenerator(loadConfig({ REPLYWRIGHT_GENERATOR: 'openai' }))).toThrow(
      /REPLYWRIGHT_OPENAI_BASE_URL/,
    );
  });
});
