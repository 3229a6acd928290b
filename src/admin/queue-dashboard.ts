import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from '@/auth/authenticator.service';
import { Unauthenticated } from '@/auth/auth.exception';
import { PROBLEM_CONTENT_TYPE, toProblem } from '@/common/errors/problem';
import { queueNames } from '@/queue/queue.registry';
import { QueueDashboardForbidden } from './admin.exception';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** The cookie a browser keeps the caller's access token in for the dashboard (set by `POST …/session`). */
export const QUEUE_DASHBOARD_COOKIE = 'parley_queues';

function cookieToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === QUEUE_DASHBOARD_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * Bull Board (every queue of the registry) at `/admin/queues`, for super admins only. API clients
 * send their bearer token; a browser first calls `POST /admin/queues/session` with its bearer token,
 * which sets an HttpOnly cookie (path `/admin/queues`, SameSite=Strict) the pages then carry. Every
 * request of the dashboard (pages, assets, its JSON API) is authenticated like the REST API and
 * refused unless the caller is a super admin (401/403 problem+json).
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const authenticator = app.get(Authenticator, { strict: false });
  const queues = queueNames.map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Parley queues' } },
  });

  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply => {
    const { problem, headers } = toProblem(error, request.id);
    return reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
  };
  const superAdminOnly = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const fromCookie = request.headers.authorization ? undefined : cookieToken(request);
    if (fromCookie) request.headers.authorization = `Bearer ${fromCookie}`;
    try {
      const principal = await authenticator.authenticate(request, reply);
      if (!principal) throw new Unauthenticated();
      if (principal.kind !== 'user' || !principal.superAdmin) throw new QueueDashboardForbidden();
    } catch (error) {
      await refuse(request, reply, error);
    }
  };

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', superAdminOnly);
    scope.post(`${QUEUE_DASHBOARD_PATH}/session`, (request, reply) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const secure = request.protocol === 'https' ? '; Secure' : '';
      void reply.header(
        'set-cookie',
        `${QUEUE_DASHBOARD_COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict${secure}`,
      );
      return reply.code(204).send();
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}
