import { Test } from '@nestjs/testing';
import type { ExecutionsConfig } from '@/config/app-config';
import { effectRunnerProviders } from './effects.providers';
import { HttpEffectRunner } from './http-effect.runner';
import { OpenAiEffectRunner } from './openai-effect.runner';

const config: ExecutionsConfig = {
  openai: { baseUrl: undefined, apiKey: 'sk-x', timeoutMs: 1_000 },
  httpEffects: { allowPrivateNetworks: false, maxResponseBytes: 1_000 },
  sessionTokenSecret: undefined,
  retentionDays: 30,
  unansweredRetentionHours: 24,
  pruneCron: '0 3 * * *',
  visitorLimits: { windowSeconds: 60, startsPerIp: 0, startsPerBot: 0, messagesPerIp: 0, messagesPerSession: 0 },
  sessionTurnQueueLimit: 32,
  sessionCacheMaxEntries: 0,
};

describe('effectRunnerProviders', () => {
  it('lets Nest build the runners from the executions config', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: effectRunnerProviders(config).filter((p) => p !== OpenAiEffectRunner),
    }).compile();
    const http = moduleRef.get(HttpEffectRunner);
    const outcome = await http.run({
      effectId: 'e',
      blockId: 'b',
      groupId: 'g',
      afterMessageCount: 0,
      kind: 'httpRequest',
      awaitsResult: true,
      method: 'GET',
      url: 'http://127.0.0.1:9/',
      headers: [],
      timeoutMs: 1_000,
      retries: 0,
      responseMapping: [],
    });
    expect(outcome.errorCode).toBe('effect.address_refused');
    await moduleRef.close();
  });
});
