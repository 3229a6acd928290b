export { EFFECT_ERROR_CODES, type EffectErrorCode, type EffectOutcome } from './effect-outcome';
export { effectRunnerProviders } from './effects.providers';
export { EFFECTS_CONFIG, HTTP_EFFECT_RUNNER_OPTIONS } from './effects.tokens';
export { type HttpEffectData, HttpEffectRunner, type HttpEffectRunnerOptions } from './http-effect.runner';
export {
  type OpenAiEffect,
  type OpenAiEffectData,
  type OpenAiEffectOutcome,
  OpenAiEffectRunner,
} from './openai-effect.runner';
export { classifyAddress, type HostResolver, OutboundAddressGuard } from '@/common/outbound/outbound-address';
