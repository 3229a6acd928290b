import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { eventually } from './support/conversations';
import { addMember, register, type Account } from './support/identity';
import { outboxEvents } from './support/outbox';
import { repoRoot, spawnParley, type SpawnedParley } from './support/process';
import { startTestApp, type TestApp } from './support/test-app';
import { databaseUrl, testRedisUrl } from './support/test-env';
import { type ReceivedWebhook, verifyParleySignature, WebhookReceiver } from './support/webhook-receiver';

/** Small backoffs so retries happen within the test; 3 attempts; disabled after 2 dead letters. */
const fastWebhooks = {
  OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOK_BACKOFF_BASE_MS: '50',
  WEBHOOK_BACKOFF_MAX_MS: '3000',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_DISABLE_AFTER_FAILURES: '2',
  WEBHOOK_TIMEOUT_MS: '5000',
};

/** Waits until the `webhooks` subscriber's fan-out job of an event has completed. */
async function fanoutDone(t: TestApp, eventId: string): Promise<void> {
  const queue = new Queue('webhooks', { connection: { url: t.config.redis.url }, prefix: t.config.redis.keyPrefix });
  try {
    await eventually(async () =>
      (await (await queue.getJob(`webhooks-${eventId}`))?.isCompleted()) ? true : undefined,
    );
  } finally {
    await queue.close();
  }
}

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  eventId: string;
  eventType: string;
  replayOf: string | null;
  responseExcerpt: string | null;
  durationMs: number | null;
}

describe('webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let base: string;
  let admin: Account;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    base = await receiver.start();
    t = await startTestApp(fastWebhooks);
    admin = await register(t, { organizationName: 'Hooks Inc' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const as = (body?: unknown) => ({ token: admin.accessToken, ...(body === undefined ? {} : { body }) });
  const subscribe = async (path: string, eventTypes: string[] = ['chatbot.published']) => {
    const res = await t.request('POST', '/api/v1/webhooks', as({ url: `${base}${path}`, eventTypes }));
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const ping = async (id: string): Promise<Delivery> => {
    const res = await t.request('POST', `/api/v1/webhooks/${id}/test`, as());
    expect(res.status).toBe(202);
    return res.body as Delivery;
  };
  const delivery = (id: string, deliveryId: string) =>
    t.request<Delivery & { payload: Record<string, unknown> }>(
      'GET',
      `/api/v1/webhooks/${id}/deliveries/${deliveryId}`,
      as(),
    );
  const finished = (id: string, deliveryId: string) =>
    eventually(async () => {
      const res = await delivery(id, deliveryId);
      return ['succeeded', 'failed'].includes(res.body.status) ? res.body : undefined;
    }, 20_000);

  it('manages subscriptions: the secret once, validation naming fields, roles, other organizations', async () => {
    const created = await t.request(
      'POST',
      '/api/v1/webhooks',
      as({ url: `${base}/crud`, eventTypes: ['*'], description: 'All of it' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: `${base}/crud`,
      eventTypes: ['*'],
      description: 'All of it',
      active: true,
      consecutiveFailures: 0,
      disabledAt: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [stored] = await t.sql<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM webhook_subscriptions WHERE id = $1',
      [created.body.id],
    );
    expect(stored!.secret_sealed).not.toContain(created.body.secret);
    expect(stored!.secret_sealed).toMatch(/^v1\./);

    const got = await t.request('GET', `/api/v1/webhooks/${created.body.id}`, as());
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(got.text).not.toContain(created.body.secret);
    const list = await t.request('GET', '/api/v1/webhooks', as());
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(list.text).not.toContain(created.body.secret);

    const patched = await t.request(
      'PATCH',
      `/api/v1/webhooks/${created.body.id}`,
      as({ eventTypes: ['conversation.created', 'message.created'], active: false, description: null }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      eventTypes: ['conversation.created', 'message.created'],
      active: false,
      description: null,
    });

    const bad = await t.request(
      'POST',
      '/api/v1/webhooks',
      as({ url: 'ftp://example.com/x', eventTypes: ['auth.password_reset_requested', 'nope'] }),
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['eventTypes', 'url']);
    const empty = await t.request('POST', '/api/v1/webhooks', as({ url: `${base}/x`, eventTypes: [] }));
    expect(empty.status).toBe(400);

    const viewer = await addMember(t, admin, 'viewer');
    const agent = await addMember(t, admin, 'agent');
    for (const member of [viewer, agent]) {
      expect((await t.request('GET', '/api/v1/webhooks', { token: member.accessToken })).status).toBe(403);
      expect(
        (await t.request('POST', `/api/v1/webhooks/${created.body.id}/test`, { token: member.accessToken })).status,
      ).toBe(403);
    }
    const other = await register(t);
    for (const [method, path] of [
      ['GET', `/api/v1/webhooks/${created.body.id}`],
      ['PATCH', `/api/v1/webhooks/${created.body.id}`],
      ['POST', `/api/v1/webhooks/${created.body.id}/test`],
      ['POST', `/api/v1/webhooks/${created.body.id}/rotate-secret`],
      ['GET', `/api/v1/webhooks/${created.body.id}/deliveries`],
      ['DELETE', `/api/v1/webhooks/${created.body.id}`],
    ] as const) {
      const res = await t.request(method, path, {
        token: other.accessToken,
        ...(method === 'GET' ? {} : { body: {} }),
      });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }

    expect((await t.request('DELETE', `/api/v1/webhooks/${created.body.id}`, as())).status).toBe(204);
    expect((await t.request('GET', `/api/v1/webhooks/${created.body.id}`, as())).status).toBe(404);
  });

  it('lists the event types with one documented payload schema each', async () => {
    const res = await t.request<{ items: { type: string; payloadSchema: string }[] }>(
      'GET',
      '/api/v1/webhooks/event-types',
      as(),
    );
    expect(res.status).toBe(200);
    const types = res.body.items.map((i) => i.type);
    expect(types).toEqual(
      expect.arrayContaining(['ping', 'conversation.created', 'invitation.created', 'webhook.subscription_disabled']),
    );
    expect(types).not.toContain('auth.password_reset_requested');
    const document = (await t.request('GET', '/docs-json')).body;
    for (const item of res.body.items) {
      const schema = document.components.schemas[item.payloadSchema.split('/').pop()!];
      expect([item.type, schema?.properties?.type?.enum]).toEqual([item.type, [item.type]]);
    }
    // The secret field of the catalogue is not part of the documented body.
    const invitation = document.components.schemas.InvitationCreatedWebhookPayload;
    expect(Object.keys(invitation.properties.data.properties)).not.toContain('token');
  });

  it('delivers a real event, signed, with the headers receivers need and without secret fields; once per event', async () => {
    const hook = await subscribe('/signed', ['invitation.created']);
    const invite = await t.request('POST', '/api/v1/invitations', as({ email: 'hooked@example.com', role: 'viewer' }));
    expect(invite.status).toBe(201);
    const [request] = await receiver.waitFor('/signed', 1);
    expect(verifyParleySignature(request!.headers['parley-signature'] as string, request!.body, hook.secret)).toBe(
      true,
    );
    expect(verifyParleySignature(request!.headers['parley-signature'] as string, request!.body, 'whsec_wrong')).toBe(
      false,
    );
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1.0',
      'parley-event-type': 'invitation.created',
    });
    const body = JSON.parse(request!.body);
    const [event] = (await outboxEvents(t, 'invitation.created')).filter((e) => e.data.email === 'hooked@example.com');
    expect(body).toEqual({
      id: event!.id,
      type: 'invitation.created',
      occurredAt: event!.occurredAt,
      organizationId: admin.organizationId,
      data: {
        invitationId: invite.body.id,
        organizationName: 'Hooks Inc',
        email: 'hooked@example.com',
        role: 'viewer',
        expiresAt: expect.any(String),
      },
    });
    expect(request!.body).not.toContain(invite.body.token);
    expect(request!.headers['parley-event-id']).toBe(event!.id);

    const deliveryId = request!.headers['parley-delivery-id'] as string;
    const done = await finished(hook.id, deliveryId);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200, responseExcerpt: 'ok' });
    expect(done.durationMs).toEqual(expect.any(Number));

    // The same event handed to the subscriber again (a redelivery) makes no second delivery.
    await fanoutDone(t, event!.id);
    const queue = new Queue('webhooks', { connection: { url: t.config.redis.url }, prefix: t.config.redis.keyPrefix });
    try {
      const job = await queue.add(
        'fanout',
        { organizationId: admin.organizationId, event: event! },
        { jobId: 'again' },
      );
      await eventually(async () => ((await job.isCompleted()) ? true : undefined));
    } finally {
      await queue.close();
    }
    const rows = await t.sql('SELECT id FROM webhook_deliveries WHERE event_id = $1', [event!.id]);
    expect(rows).toHaveLength(1);
    expect(receiver.on('/signed')).toHaveLength(1);

    const log = await t.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, as());
    expect(log.body.items).toEqual([expect.objectContaining({ id: deliveryId, status: 'succeeded' })]);
    const none = await t.request('GET', `/api/v1/webhooks/${hook.id}/deliveries?status=failed`, as());
    expect(none.body.items).toEqual([]);
    const badFilter = await t.request('GET', `/api/v1/webhooks/${hook.id}/deliveries?status=lost`, as());
    expect(badFilter.status).toBe(400);
  });

  it('retries 5xx with backoff: a receiver failing twice then succeeding gets the same delivery three times', async () => {
    receiver.script('/flaky', [{ status: 503 }, { status: 500, body: 'x'.repeat(5000) }]);
    const hook = await subscribe('/flaky');
    const sent = await ping(hook.id);
    expect(sent).toMatchObject({ status: 'pending', attempts: 0, eventType: 'ping' });
    const done = await finished(hook.id, sent.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, responseStatus: 200, error: null });
    const requests = receiver.on('/flaky');
    expect(requests.map((r) => r.headers['parley-delivery-id'])).toEqual([sent.id, sent.id, sent.id]);
    expect(requests.map((r) => ('status' in r.answer ? r.answer.status : 0))).toEqual([503, 500, 200]);
    expect(JSON.parse(requests[0]!.body)).toMatchObject({ type: 'ping', data: { subscriptionId: hook.id } });
  });

  it('honours Retry-After on 429, and caps the stored excerpt at 2 KB', async () => {
    receiver.script('/busy', [{ status: 429, headers: { 'retry-after': '2' }, body: 'y'.repeat(5000) }]);
    const hook = await subscribe('/busy');
    const sent = await ping(hook.id);
    await receiver.waitFor('/busy', 1);
    const retrying = await eventually(async () => {
      const res = await delivery(hook.id, sent.id);
      return res.body.status === 'retrying' ? res.body : undefined;
    });
    expect(retrying).toMatchObject({ attempts: 1, responseStatus: 429 });
    expect(retrying.responseExcerpt).toHaveLength(2048);
    const [row] = await t.sql<{ wait: number }>(
      'SELECT extract(epoch FROM next_attempt_at - updated_at) * 1000 AS wait FROM webhook_deliveries WHERE id = $1',
      [sent.id],
    );
    // The stored wait is the server's 2 s (the backoff alone would be at most 50 ms here).
    expect(Number(row!.wait)).toBeGreaterThanOrEqual(1000);
    const done = await finished(hook.id, sent.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [first, second] = receiver.on('/busy') as [ReceivedWebhook, ReceivedWebhook];
    expect(second.headers['parley-delivery-id']).toBe(first.headers['parley-delivery-id']);
    // It waited for it (a lower bound only: slowness never fails this).
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1500);
  });

  it('dead-letters after the last attempt, does not retry other 4xx, and replays as a new delivery', async () => {
    receiver.script('/down', [], { status: 502 });
    const down = await subscribe('/down');
    const sent = await ping(down.id);
    const failed = await finished(down.id, sent.id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 3,
      responseStatus: 502,
      error: 'the receiver answered 502',
      nextAttemptAt: null,
    });
    expect(receiver.on('/down')).toHaveLength(3);
    expect((await t.request('GET', `/api/v1/webhooks/${down.id}`, as())).body).toMatchObject({
      active: true,
      consecutiveFailures: 1,
    });

    receiver.script('/gone', [{ status: 410 }, { status: 301, headers: { location: `${base}/elsewhere` } }]);
    const gone = await subscribe('/gone');
    const once = await finished(gone.id, (await ping(gone.id)).id);
    expect(once).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 410 });
    const redirect = await finished(gone.id, (await ping(gone.id)).id);
    expect(redirect).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 301 });
    expect(redirect.error).toContain('redirects are not followed');
    expect(receiver.on('/elsewhere')).toHaveLength(0);

    // The receiver is fixed: replay the dead letter.
    receiver.script('/down', [], { status: 200 });
    const replay = await t.request('POST', `/api/v1/webhooks/${down.id}/deliveries/${sent.id}/replay`, as());
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ replayOf: sent.id, eventId: sent.eventId, status: 'pending' });
    expect(replay.body.id).not.toBe(sent.id);
    const replayed = await finished(down.id, replay.body.id);
    expect(replayed).toMatchObject({ status: 'succeeded', attempts: 1 });
    const last = receiver.on('/down').at(-1)!;
    expect(last.headers['parley-delivery-id']).toBe(replay.body.id);
    expect(last.headers['parley-event-id']).toBe(sent.eventId);
    expect(JSON.parse(last.body).id).toBe(sent.eventId);
    // A success resets the failures in a row.
    expect((await t.request('GET', `/api/v1/webhooks/${down.id}`, as())).body.consecutiveFailures).toBe(0);
    const failedOnly = await t.request('GET', `/api/v1/webhooks/${down.id}/deliveries?status=failed`, as());
    expect(failedOnly.body.items.map((d: Delivery) => d.id)).toEqual([sent.id]);
    const missing = await t.request('POST', `/api/v1/webhooks/${gone.id}/deliveries/${sent.id}/replay`, as());
    expect(missing.status).toBe(404);
  });

  it('disables a subscription that keeps failing and tells its owners through an event', async () => {
    receiver.script('/dead', [], { status: 404 });
    const hook = await subscribe('/dead', ['invitation.created']);
    await finished(hook.id, (await ping(hook.id)).id);
    await finished(hook.id, (await ping(hook.id)).id);
    const disabled = await t.request('GET', `/api/v1/webhooks/${hook.id}`, as());
    expect(disabled.body).toMatchObject({ active: false, consecutiveFailures: 2 });
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    expect(disabled.body.disabledReason).toContain('2 deliveries in a row failed');
    const events = (await outboxEvents(t, 'webhook.subscription_disabled')).filter(
      (e) => e.data.subscriptionId === hook.id,
    );
    expect(events).toEqual([
      expect.objectContaining({
        organizationId: admin.organizationId,
        data: expect.objectContaining({ url: `${base}/dead`, consecutiveFailures: 2 }),
      }),
    ]);
    // No new deliveries while disabled: the next event's fan-out job completes without one.
    await t.request('POST', '/api/v1/invitations', as({ email: 'after.disable@example.com', role: 'viewer' }));
    const next = await eventually(async () =>
      (await outboxEvents(t, 'invitation.created')).find((e) => e.data.email === 'after.disable@example.com'),
    );
    await fanoutDone(t, next.id);
    const deliveries = await t.sql('SELECT id FROM webhook_deliveries WHERE event_id = $1 AND subscription_id = $2', [
      next.id,
      hook.id,
    ]);
    expect(deliveries).toEqual([]);
    expect(receiver.on('/dead')).toHaveLength(2);
    // Reactivating clears the record.
    const back = await t.request('PATCH', `/api/v1/webhooks/${hook.id}`, as({ active: true }));
    expect(back.body).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null, disabledReason: null });
  });

  it('rotates the secret with an overlap during which both signatures are sent', async () => {
    const hook = await subscribe('/rotate');
    const rotated = await t.request('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, as({ overlapSeconds: 3600 }));
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
    await finished(hook.id, (await ping(hook.id)).id);
    const [during] = receiver.on('/rotate');
    const header = during!.headers['parley-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyParleySignature(header, during!.body, rotated.body.secret)).toBe(true);
    expect(verifyParleySignature(header, during!.body, hook.secret)).toBe(true);

    const now = await t.request('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, as({ overlapSeconds: 0 }));
    expect(now.body.previousSecretExpiresAt).toBeNull();
    await finished(hook.id, (await ping(hook.id)).id);
    const after = receiver.on('/rotate')[1]!;
    const single = after.headers['parley-signature'] as string;
    expect(single).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyParleySignature(single, after.body, now.body.secret)).toBe(true);
    expect(verifyParleySignature(single, after.body, rotated.body.secret)).toBe(false);
  });
});

describe('webhooks to private networks when they are not allowed', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let base: string;
  let admin: Account;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    base = await receiver.start();
    t = await startTestApp({ ...fastWebhooks, OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'false' });
    admin = await register(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('refuses such a URL on create, and a delivery to it fails without a request or a retry', async () => {
    for (const url of [`${base}/x`, 'http://localhost:9/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest']) {
      const res = await t.request('POST', '/api/v1/webhooks', {
        token: admin.accessToken,
        body: { url, eventTypes: ['*'] },
      });
      expect([url, res.status, res.body.code, res.body.errors?.[0]?.field]).toEqual([
        url,
        400,
        'webhook.url_refused',
        'url',
      ]);
    }
    // A name is only resolved when delivering; here one stored before the policy changed.
    const created = await t.request('POST', '/api/v1/webhooks', {
      token: admin.accessToken,
      body: { url: 'https://hooks.example.com/in', eventTypes: ['chatbot.published'] },
    });
    expect(created.status).toBe(201);
    await t.sql('UPDATE webhook_subscriptions SET url = $2 WHERE id = $1', [created.body.id, `${base}/private`]);
    const sent = await t.request('POST', `/api/v1/webhooks/${created.body.id}/test`, { token: admin.accessToken });
    const done = await eventually(async () => {
      const res = await t.request('GET', `/api/v1/webhooks/${created.body.id}/deliveries/${sent.body.id}`, {
        token: admin.accessToken,
      });
      return res.body.status === 'failed' ? res.body : undefined;
    });
    expect(done).toMatchObject({ attempts: 1, responseStatus: null });
    expect(done.error).toContain('OUTBOUND_ALLOW_PRIVATE_NETWORKS');
    expect(receiver.received).toHaveLength(0);
  });
});

describe('a webhook worker killed mid-delivery', () => {
  const settings = {
    QUEUE_LOCK_DURATION_MS: '2000',
    QUEUE_STALLED_INTERVAL_MS: '1000',
    ...fastWebhooks,
    WEBHOOK_TIMEOUT_MS: '60000',
  };
  let t: TestApp;
  let receiver: WebhookReceiver;
  let base: string;
  const workers: SpawnedParley[] = [];

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Run `npm run build` first (npm test does).');
    receiver = new WebhookReceiver();
    base = await receiver.start();
    t = await startTestApp({ APP_ROLE: 'api', ...settings });
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exit));
    await t.close();
    await receiver.stop();
  });

  const worker = (): SpawnedParley => {
    const spawned = spawnParley({
      PORT: '0',
      LOG_LEVEL: 'info',
      APP_ROLE: 'worker',
      DATABASE_URL: databaseUrl(t.databaseName),
      DATABASE_MIGRATE_ON_BOOT: 'false',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      ...settings,
    });
    workers.push(spawned);
    return spawned;
  };

  it('completes the delivery once after another worker takes it over, with the same delivery id', async () => {
    const admin = await register(t);
    const created = await t.request('POST', '/api/v1/webhooks', {
      token: admin.accessToken,
      body: { url: `${base}/slow`, eventTypes: ['chatbot.published'] },
    });
    expect(created.status).toBe(201);
    receiver.script('/slow', [{ hang: true }]);
    const sent = await t.request('POST', `/api/v1/webhooks/${created.body.id}/test`, { token: admin.accessToken });
    expect(sent.status).toBe(202);

    const first = worker();
    await first.url;
    await receiver.waitFor('/slow', 1);
    first.child.kill('SIGKILL');
    await first.exit;

    const second = worker();
    await second.url;
    const requests = await receiver.waitFor('/slow', 2, 30_000);
    const row = await eventually(async () => {
      const [r] = await t.sql<{ status: string; attempts: number; response_status: number }>(
        'SELECT status, attempts, response_status FROM webhook_deliveries WHERE id = $1',
        [sent.body.id],
      );
      return r?.status === 'succeeded' ? r : undefined;
    }, 20_000);
    expect(row).toMatchObject({ status: 'succeeded', response_status: 200 });
    expect(requests.map((r) => r.headers['parley-delivery-id'])).toEqual([sent.body.id, sent.body.id]);
    // Receivers dedupe by the delivery id: one delivery, and no further request once it succeeded.
    expect(new Set(receiver.on('/slow').map((r) => r.headers['parley-delivery-id'])).size).toBe(1);
    const rows = await t.sql('SELECT id FROM webhook_deliveries WHERE subscription_id = $1', [created.body.id]);
    expect(rows).toHaveLength(1);
  }, 60_000);
});
