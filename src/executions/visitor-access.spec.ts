import { asOrganizationId } from '@/access/organization-id';
import type { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import type { SessionsRepository } from './sessions.repository';
import { originAllowed, VisitorAccess } from './visitor-access';

describe('VisitorAccess', () => {
  const owner = { organizationId: asOrganizationId('org'), chatbotId: 'bot', preview: false };
  let access: { allowedOrigins: string[]; organizationSuspended: boolean } | undefined;
  const findOwner = jest.fn((id: string) =>
    Promise.resolve(id === 's1' || id === 'p1' ? { ...owner, preview: id === 'p1' } : undefined),
  );
  const findPublicAccess = jest.fn(() => Promise.resolve(access));
  const make = () =>
    new VisitorAccess(
      { findOwnerBySessionToken: findOwner } as unknown as SessionsRepository,
      { findPublicAccessForSessionBot: findPublicAccess } as unknown as PublishedChatbots,
    );

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    findOwner.mockClear();
    findPublicAccess.mockClear();
    access = { allowedOrigins: ['https://shop.example'], organizationSuspended: false };
  });
  afterEach(() => jest.useRealTimers());

  it('allows any origin when the list is empty, and requests without an Origin', () => {
    expect(originAllowed([], 'https://any.example')).toBe(true);
    expect(originAllowed(['https://shop.example'], undefined)).toBe(true);
    expect(originAllowed(['https://shop.example'], 'https://evil.example')).toBe(false);
  });

  it("refuses foreign origins (not for previews), suspended organizations' and unknown sessions", async () => {
    const visitor = make();
    await expect(visitor.check('s1', 'https://shop.example')).resolves.toBeUndefined();
    await expect(visitor.check('s1', 'https://evil.example')).rejects.toMatchObject({ code: 'bot.origin_not_allowed' });
    await expect(visitor.check('p1', 'https://dashboard.example')).resolves.toBeUndefined();
    await expect(visitor.check('nope', undefined)).rejects.toMatchObject({ code: 'session.not_found' });
    access = { allowedOrigins: [], organizationSuspended: true };
    jest.advanceTimersByTime(5_001);
    await expect(visitor.check('s1', undefined)).rejects.toMatchObject({ code: 'bot.not_found', status: 404 });
  });

  it('queries a session owner once and a bot at most every 5 seconds', async () => {
    const visitor = make();
    visitor.remember('s2', owner);
    for (let i = 0; i < 3; i++) await visitor.check('s2', undefined);
    expect(findOwner).not.toHaveBeenCalled();
    expect(findPublicAccess).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5_001);
    await visitor.check('s2', undefined);
    expect(findPublicAccess).toHaveBeenCalledTimes(2);
    await visitor.check('s1', undefined);
    await visitor.check('s1', undefined);
    expect(findOwner).toHaveBeenCalledTimes(1);
  });
});
