import { Global, Module } from '@nestjs/common';
import { AiUsageRecorder } from './ai-usage.recorder';
import { OpenAiClient } from './openai.client';

/**
 * The one OpenAI client (`OpenAiClient`) and the recorder of usage outside turns, global so the
 * engine's effects and later the transcription jobs share one SDK cache. Connections' keys come
 * through `ConnectionSecrets` when the installation binds it (the connections module).
 */
@Global()
@Module({
  providers: [OpenAiClient, AiUsageRecorder],
  exports: [OpenAiClient, AiUsageRecorder],
})
export class OpenAiModule {}
