import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiGenerator, DEFAULT_OPENAI_PRICING } from '../../src/generators/openai.ts';
import { GenerationFailed, type GenerationRequest } from '../../src/generators/types.ts';

const API_KEY = 'sk-test-S3CRET-0123456789abcdef';
const request: GenerationRequest = {
  targetPostId: 'p1',
  targetText: 'how do you keep a reply queue durable across crashes?',
  targetAuthor: 'alice',
  account: 'replywright_bot',
  maxLength: 60,
};

const completion = (content: string | null, usage = true) => ({
  id: 'chatcmpl-1',
  model: 'stub-model-2026',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  ...(usage ? { usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } } : {}),
});

let seen:
  | {
      authorization: string | undefined;
      body: { model: string; messages: { role: string; content: string }[] };
    }
  | undefined;
let server: ReturnType<typeof serve>;
let base = '';

beforeAll(async () => {
  const app = new Hono();
  app.post('/ok/chat/completions', async (c) => {
    seen = { authorization: c.req.header('authorization'), body: await c.req.json() };
    return c.json(completion('"Durable queues are a great topic, thanks for asking!"'));
  });
  app.post('/long/chat/completions', (c) =>
    c.json(
      completion('Great question! Write the intent down before acting, then reconcile after every crash.'),
    ),
  );
  app.post('/no-usage/chat/completions', (c) => c.json(completion('Thanks for sharing!', false)));
  app.post('/slow/chat/completions', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return c.json(completion('too late'));
  });
  app.post('/fail/chat/completions', (c) =>
    c.json(
      { error: { message: `Incorrect API key provided: ${c.req.header('authorization')?.slice(7)}` } },
      500,
    ),
  );
  app.post('/masked/chat/completions', (c) =>
    c.json({ error: { message: 'Incorrect API key provided: sk-test-S3***cdef' } }, 401),
  );
  app.post('/malformed/chat/completions', (c) =>
    c.text('{"choices": [', 200, { 'content-type': 'application/json' }),
  );
  app.post('/shape/chat/completions', (c) => c.json({ choices: [] }));
  app.post('/empty/chat/completions', (c) => c.json(completion('   ')));
  app.post('/null/chat/completions', (c) => c.json(completion(null)));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});

afterAll(async () => {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const generator = (path: string, timeoutMs = 2_000) =>
  createOpenAiGenerator({ baseUrl: `${base}/${path}/`, apiKey: API_KEY, model: 'gpt-4o-mini', timeoutMs });

const live = () => new AbortController().signal;

describe('openai generator', () => {
  it('posts a chat completion and prices its usage', async () => {
    const reply = await generator('ok').generate(request, live());
    expect(reply).toEqual({
      text: 'Durable queues are a great topic, thanks for asking!',
      model: 'stub-model-2026',
      costUsd: expect.closeTo(
        DEFAULT_OPENAI_PRICING.promptPer1k + 0.5 * DEFAULT_OPENAI_PRICING.completionPer1k,
        12,
      ),
      promptTokens: 1000,
      completionTokens: 500,
    });
    expect(seen?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seen?.body.model).toBe('gpt-4o-mini');
    expect(seen?.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(seen?.body.messages[0]?.content).toMatch(/no links.*no hashtags/i);
    expect(seen?.body.messages[0]?.content).toContain('at most 60 characters');
    expect(seen?.body.messages[1]?.content).toContain(request.targetText);
  });

  it('uses configured pricing', async () => {
    const priced = createOpenAiGenerator({
      baseUrl: `${base}/ok`,
      model: 'm',
      timeoutMs: 2_000,
      pricing: { promptPer1k: 1, completionPer1k: 2 },
    });
    expect((await priced.generate(request, live())).costUsd).toBe(2);
    expect(seen?.authorization).toBeUndefined();
  });

  it('truncates on a word boundary', async () => {
    const reply = await generator('long').generate(request, live());
    expect(reply.text).toBe('Great question! Write the intent down before acting, then');
    expect(reply.text.length).toBeLessThanOrEqual(request.maxLength);
  });

  it('costs nothing when the server reports no usage', async () => {
    const reply = await generator('no-usage').generate(request, live());
    expect(reply).toEqual({ text: 'Thanks for sharing!', model: 'stub-model-2026', costUsd: 0 });
  });

  it.each<[string, string, GenerationFailed['reason'], RegExp]>([
    ['a slow server', 'slow', 'timeout', /timed out after 200 ms/],
    ['HTTP 500', 'fail', 'http_error', /HTTP 500/],
    ['HTTP 401 with a masked key', 'masked', 'http_error', /HTTP 401/],
    ['malformed JSON', 'malformed', 'invalid_response', /invalid JSON/],
    ['an unexpected shape', 'shape', 'invalid_response', /unexpected shape/],
    ['a blank reply', 'empty', 'empty', /empty/],
    ['a null reply', 'null', 'empty', /empty/],
    ['a missing route', 'missing', 'http_error', /HTTP 404/],
  ])('fails on %s', async (_, path, reason, message) => {
    const error = await generator(path, 200)
      .generate(request, live())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationFailed);
    const failed = error as GenerationFailed;
    expect(failed.reason).toBe(reason);
    expect(failed.message).toMatch(message);
    // The key must not leak through the message, the context or the cause.
    expect(`${failed.message} ${JSON.stringify(failed.context)} ${String(failed.cause)}`).not.toContain(
      'S3CRET',
    );
    expect(failed.message).not.toContain('S3***');
  });

  it('fails as a timeout when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = generator('slow').generate(request, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({
      reason: 'timeout',
      message: expect.stringMatching(/aborted/),
    });
  });

  it('fails as an HTTP error when nothing listens', async () => {
    const closed = createOpenAiGenerator({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: API_KEY,
      model: 'm',
      timeoutMs: 2_000,
    });
    const error = (await closed.generate(request, live()).catch((e: unknown) => e)) as GenerationFailed;
    expect(error.reason).toBe('http_error');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(API_KEY);
  });
});
