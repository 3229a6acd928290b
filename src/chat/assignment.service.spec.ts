import { asOrganizationId } from '@/access/organization-id';
import type { Redis } from 'ioredis';
import type { AssignmentRepository } from './assignment.repository';
import { AssignmentService } from './assignment.service';
import type { CommittedEvents } from '@/events/committed-events';
import type { ConversationChanges } from './conversation-changes';
import type { PresenceService } from './presence.service';

describe('AssignmentService background runs', () => {
  it('idle() waits for the assignment a freed seat started (and shutdown with it)', async () => {
    let release!: (rows: { id: string }[]) => void;
    const waiting = jest.fn(() => new Promise<{ id: string }[]>((resolve) => (release = resolve)));
    const repo = { waiting } as unknown as AssignmentRepository;
    const service = new AssignmentService(
      repo,
      {} as ConversationChanges,
      { onChange: () => () => undefined } as unknown as PresenceService,
      {} as Redis,
      { on: () => () => undefined } as unknown as CommittedEvents,
    );
    service.afterFreed(asOrganizationId('00000000-0000-0000-0000-000000000001'), 'u1');
    let idle = false;
    const waited = service.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    release([]);
    await waited;
    expect(idle).toBe(true);
    expect(waiting).toHaveBeenCalledWith(expect.any(String), { forUserId: 'u1' }, 50);
  });
});
