import type { Account } from './identity';
import type { TestApp } from './test-app';

export interface CreatedChatbot {
  readonly id: string;
  readonly publicId: string;
}

/** Creates a chatbot as `account` (201 expected). */
export async function createChatbot(
  t: TestApp,
  account: Account,
  body: Record<string, unknown>,
): Promise<CreatedChatbot> {
  const bot = await t.request('POST', '/api/v1/chatbots', { token: account.accessToken, body });
  expect(bot.status).toBe(201);
  return bot.body as CreatedChatbot;
}

/** Creates a chatbot as `account` and publishes its draft (201, no problems, expected). */
export async function publishChatbot(
  t: TestApp,
  account: Account,
  body: Record<string, unknown>,
): Promise<CreatedChatbot> {
  const bot = await createChatbot(t, account, body);
  const published = await t.request('POST', `/api/v1/chatbots/${bot.id}/publish`, {
    token: account.accessToken,
    body: {},
  });
  expect([published.status, published.body.problems]).toEqual([201, undefined]);
  return bot;
}
