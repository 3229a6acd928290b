import { ValidationFailed } from '@/common/errors/domain.exception';
import { clientLogStep, MAX_CLIENT_LOGS_PER_REQUEST, parseClientLogsRequest } from './typebot-client-logs';

describe('Typebot clientLogs', () => {
  it("reads the widget's body leniently and refuses what is unbounded", () => {
    const logs = parseClientLogsRequest({
      clientLogs: [{ status: 'error', description: 'Failed', details: { a: 1 }, newerField: true }],
      sessionId: 'ignored',
    });
    expect(logs).toEqual([{ status: 'error', description: 'Failed', details: { a: 1 }, newerField: true }]);
    expect(() => parseClientLogsRequest(undefined)).toThrow(ValidationFailed);
    expect(() => parseClientLogsRequest({ clientLogs: [{ status: 'error' }] })).toThrow(ValidationFailed);
    const many = Array.from({ length: MAX_CLIENT_LOGS_PER_REQUEST + 1 }, () => ({ status: 'info', description: 'x' }));
    expect(() => parseClientLogsRequest({ clientLogs: many })).toThrow(ValidationFailed);
    expect(() => parseClientLogsRequest({ clientLogs: [{ status: 'info', description: 'x'.repeat(1_001) }] })).toThrow(
      ValidationFailed,
    );
  });

  it('turns a log into an execution-log step, details as truncated text', () => {
    expect(clientLogStep({ status: 'error', description: 'Failed', details: 'boom' }, 'b1')).toEqual({
      blockId: 'b1',
      groupId: null,
      kind: 'client:log',
      outcome: 'error',
      error: 'error: Failed',
      detail: 'boom',
    });
    const step = clientLogStep({ status: 'info', description: 'ok', details: { text: 'y'.repeat(5_000) } }, undefined);
    expect(step).toMatchObject({ blockId: 'client', outcome: 'ok' });
    expect(step.detail).toHaveLength(2_000);
    expect(step.detail!.endsWith('…')).toBe(true);
  });
});
