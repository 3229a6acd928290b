import { ValidationPipe } from '@nestjs/common';
import { createValidationPipe, validationPipeOptions } from '@/common/validation/validation';
import { acceptSendMessage, SendMessageDto } from './chat.dto';

/** The precompiled check must agree with the decorators: same instance when valid, same 400 otherwise. */
describe('SendMessageDto precompiled check', () => {
  const fast = createValidationPipe();
  const full = new ValidationPipe(validationPipeOptions);
  const metadata = { type: 'body', metatype: SendMessageDto } as const;
  const outcome = (pipe: ValidationPipe, body: unknown): Promise<unknown> =>
    pipe.transform(body, metadata).then(
      (dto: unknown) => ({ ok: dto, instance: dto instanceof SendMessageDto }),
      (error: unknown) => ({ error, errors: (error as { errors?: unknown }).errors }),
    );

  const bodies: unknown[] = [
    { clientMessageId: 'm1', text: 'hello' },
    { clientMessageId: 'm1' },
    { clientMessageId: 'm1', value: 'a' },
    { clientMessageId: 'm1', value: 3 },
    { clientMessageId: 'm1', value: false },
    { clientMessageId: 'm1', value: ['a', 'b'] },
    { clientMessageId: 'm1', value: { a: 1 } },
    { clientMessageId: 'm1', value: null },
    { clientMessageId: 'm1', value: 'x'.repeat(10_000) },
    { clientMessageId: 'm1', command: 'human' },
    { clientMessageId: 'm1', command: '' },
    { clientMessageId: 'm1', command: 'c'.repeat(101) },
    { clientMessageId: 'm1', fileUrls: ['https://example.com/a.png'] },
    { clientMessageId: 'm1', fileUrls: ['nope'] },
    { clientMessageId: '' },
    { clientMessageId: '\uFE0F' },
    { clientMessageId: 'x'.repeat(100) },
    { clientMessageId: 'x'.repeat(101) },
    { clientMessageId: '😀'.repeat(100) },
    { clientMessageId: 7 },
    { clientMessageId: null },
    { clientMessageId: ['a'] },
    { text: 'no id' },
    { clientMessageId: 'm1', text: null },
    { clientMessageId: 'm1', text: 5 },
    { clientMessageId: 'm1', text: 't'.repeat(10_000) },
    { clientMessageId: 'm1', text: 't'.repeat(10_001) },
    { clientMessageId: 'm1', text: '😀'.repeat(10_000) },
    { clientMessageId: 'm1', extra: 1 },
    { clientMessageId: 'm1', constructor: 1 },
    Object.assign(Object.create(null) as object, { clientMessageId: 'm1' }),
    {},
    [],
    [{ clientMessageId: 'm1' }],
    null,
    undefined,
    'text',
    42,
  ];

  it.each(bodies.map((body, i) => [i, body]))('body #%i answers as the decorators do', async (_i, body) => {
    expect(await outcome(fast, body)).toEqual(await outcome(full, body));
  });

  it('takes the fast path for the common bodies, and only for certainly valid ones', () => {
    expect(acceptSendMessage({ clientMessageId: 'm1', text: 'hello' })).toBeInstanceOf(SendMessageDto);
    expect(acceptSendMessage({ clientMessageId: 'm1', value: 2 })).toBeInstanceOf(SendMessageDto);
    expect(acceptSendMessage({ clientMessageId: 'm1', fileUrls: [] })).toBeUndefined();
    expect(acceptSendMessage({ clientMessageId: 'm1', text: null })).toBeUndefined();
  });
});
