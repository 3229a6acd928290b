import type { AppConfig } from '@/config';
import { SessionQueueFull } from './executions.exception';
import { SessionTurnQueue } from './session-turn-queue';

const queueWithLimit = (limit: number) =>
  new SessionTurnQueue({ executions: { sessionTurnQueueLimit: limit } } as unknown as AppConfig);

/** A task that runs until `finish` is called, recording when it starts. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish: () => finish(),
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

describe('SessionTurnQueue', () => {
  it('runs the tasks of one session one after the other, in the order they came', async () => {
    const queue = queueWithLimit(8);
    const log: string[] = [];
    const gates = ['a', 'b', 'c'].map((name) => gate(log, name));
    const results = gates.map((g) => queue.run('s1', g.task));
    await Promise.resolve();
    expect(log).toEqual(['start a']);
    gates.forEach((g) => g.finish());
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs the tasks of different sessions side by side', async () => {
    const queue = queueWithLimit(8);
    const log: string[] = [];
    const one = gate(log, 'one');
    const two = gate(log, 'two');
    const results = [queue.run('s1', one.task), queue.run('s2', two.task)];
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start one', 'start two']);
    one.finish();
    two.finish();
    await Promise.all(results);
  });

  it('refuses a task past `limit` waiting ones, and goes on after a failed task', async () => {
    const queue = queueWithLimit(1);
    const log: string[] = [];
    const running = gate(log, 'running');
    const first = queue.run('s1', running.task);
    const failing = queue.run('s1', () => Promise.reject(new Error('boom')));
    await expect(queue.run('s1', () => Promise.resolve('late'))).rejects.toBeInstanceOf(SessionQueueFull);
    expect(queue.pending('s1')).toBe(2);
    running.finish();
    await first;
    await expect(failing).rejects.toThrow('boom');
    expect(await queue.run('s1', () => Promise.resolve('after'))).toBe('after');
  });

  it('forgets a session once its tasks are done', async () => {
    const queue = queueWithLimit(4);
    await Promise.all([
      queue.run('s1', () => Promise.resolve(1)),
      queue.run('s2', () => Promise.reject(new Error('x'))),
    ]).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(queue.activeSessions).toBe(0);
    expect(queue.pending('s1')).toBe(0);
  });
});
