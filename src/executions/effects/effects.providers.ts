import type { Provider } from '@nestjs/common';
import type { ExecutionsConfig } from '@/config/app-config';
import { EFFECTS_CONFIG } from './effects.tokens';
import { HttpEffectRunner } from './http-effect.runner';
import { OpenAiEffectRunner } from './openai-effect.runner';

/** Providers of the effect runners, for `ExecutionsModule.register(config)`. */
export function effectRunnerProviders(config: ExecutionsConfig): Provider[] {
  return [{ provide: EFFECTS_CONFIG, useValue: config }, HttpEffectRunner, OpenAiEffectRunner];
}
