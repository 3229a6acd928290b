import { DomainException } from '@/common/errors/domain.exception';
import { parseContinueChatRequest, parseStartChatRequest } from './typebot-chat.request';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainException ? error.code : 'not a domain exception';
  }
};

describe('Typebot chat requests', () => {
  it('reads startChat leniently: unknown fields are ignored, the ones used are checked', () => {
    expect(
      parseStartChatRequest({
        isStreamEnabled: true,
        resultId: 'r1',
        prefilledVariables: { Name: 'Ada' },
        textBubbleContentFormat: 'markdown',
        isPreview: false,
        somethingNew: { deep: 1 },
      }),
    ).toEqual({ variables: { Name: 'Ada' }, textBubbleContentFormat: 'markdown' });
    expect(parseStartChatRequest(undefined)).toEqual({ textBubbleContentFormat: 'richText' });
    expect(parseStartChatRequest({ message: 'Hi!' }).reply).toEqual({ text: 'Hi!' });
    expect(codeOf(() => parseStartChatRequest({ prefilledVariables: 'Name=Ada' }))).toBe('request.validation_failed');
    expect(codeOf(() => parseStartChatRequest({ textBubbleContentFormat: 'html' }))).toBe('request.validation_failed');
    expect(codeOf(() => parseStartChatRequest([]))).toBe('request.validation_failed');
    expect(codeOf(() => parseStartChatRequest({ isOnlyRegistering: true }))).toBe('typebot.unsupported');
  });

  it('reads continueChat messages as replies', () => {
    expect(parseContinueChatRequest({ message: 'Social media' })).toEqual({
      reply: { text: 'Social media' },
      textBubbleContentFormat: 'richText',
    });
    expect(
      parseContinueChatRequest({
        message: { type: 'text', text: 'here', attachedFileUrls: ['https://x.dev/a.pdf'], metadata: {} },
      }).reply,
    ).toEqual({ text: 'here', fileUrls: ['https://x.dev/a.pdf'] });
    expect(parseContinueChatRequest({}).reply).toBeUndefined();
    expect(codeOf(() => parseContinueChatRequest({ message: { type: 'audio', url: 'https://x.dev/a.ogg' } }))).toBe(
      'typebot.unsupported',
    );
    expect(codeOf(() => parseContinueChatRequest({ message: { type: 'text' } }))).toBe('request.validation_failed');
    expect(codeOf(() => parseContinueChatRequest({ message: 42 }))).toBe('request.validation_failed');
  });
});
