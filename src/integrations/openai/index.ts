export { AiSpendGuard, type AiSpendRefusal } from './ai-spend-guard';
export { type AiUsageContext, AiUsageRecorder } from './ai-usage.recorder';
export {
  OPENAI_API,
  OPENAI_CLIENT_OPTIONS,
  OpenAiClient,
  type OpenAiClientConfig,
  type OpenAiClientOptions,
} from './openai.client';
export { OpenAiModule } from './openai.module';
export * from './openai.types';
