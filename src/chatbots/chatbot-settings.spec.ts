import { defaultChatbotSettings, mergeSettings } from './chatbot-settings';

describe('mergeSettings', () => {
  it('applies a partial update, keeping what is not mentioned', () => {
    const merged = mergeSettings(defaultChatbotSettings, {
      sessionExpirySeconds: 600,
      typingEmulation: { enabled: false },
      allowedOrigins: ['https://shop.example'],
    });
    expect(merged).toEqual({
      ...defaultChatbotSettings,
      sessionExpirySeconds: 600,
      allowedOrigins: ['https://shop.example'],
      typingEmulation: { ...defaultChatbotSettings.typingEmulation, enabled: false },
    });
  });

  it('returns the base when there is nothing to change', () => {
    expect(mergeSettings(defaultChatbotSettings, undefined)).toBe(defaultChatbotSettings);
    expect(mergeSettings(defaultChatbotSettings, { rememberUser: undefined })).toEqual(defaultChatbotSettings);
  });
});
