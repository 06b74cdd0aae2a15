import { type Config, ConfigError } from '../config/config.ts';
import { generatorRefusal } from '../policy/xRules.ts';
import { createOpenAiGenerator, type OpenAiPricing } from './openai.ts';
import { createTemplateGenerator } from './template.ts';
import type { ReplyGenerator } from './types.ts';

export type { OpenAiGeneratorOptions, OpenAiPricing } from './openai.ts';
export { createOpenAiGenerator, DEFAULT_OPENAI_PRICING } from './openai.ts';
export { createTemplateGenerator } from './template.ts';
export type { GeneratedReply, GenerationFailureReason, GenerationRequest, ReplyGenerator } from './types.ts';
export { GenerationFailed } from './types.ts';

export interface GeneratorDeps {
  fetch?: typeof fetch;
  pricing?: OpenAiPricing;
}

/**
 * The generator REPLYWRIGHT_GENERATOR names. `openai` needs REPLYWRIGHT_OPENAI_BASE_URL; the
 * API key is optional because local OpenAI-compatible servers often take none.
 *
 * @example createGenerator(loadConfig(process.env)).name // 'template'
 */
export function createGenerator(config: Config, deps: GeneratorDeps = {}): ReplyGenerator {
  switch (config.REPLYWRIGHT_GENERATOR) {
    case 'template':
      return createTemplateGenerator();
    case 'openai': {
      const refusal = generatorRefusal(config);
      if (refusal) throw new ConfigError(refusal);
      const baseUrl = config.REPLYWRIGHT_OPENAI_BASE_URL;
      if (!baseUrl) {
        throw new ConfigError('REPLYWRIGHT_OPENAI_BASE_URL is required when REPLYWRIGHT_GENERATOR=openai');
      }
      return createOpenAiGenerator({
        baseUrl,
        apiKey: config.REPLYWRIGHT_OPENAI_API_KEY,
        model: config.REPLYWRIGHT_OPENAI_MODEL,
        timeoutMs: config.REPLYWRIGHT_GENERATOR_TIMEOUT_MS,
        ...deps,
      });
    }
  }
}
