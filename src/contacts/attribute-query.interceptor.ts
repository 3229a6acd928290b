import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * `attributes[plan]=pro&attributes[score]=5` → `attributes: { plan: 'pro', score: '5' }` before the
 * validation pipe reads the query (Fastify's query parser does not nest). Interceptors run before
 * pipes, so the DTO validates the object like a body's.
 */
@Injectable()
export class AttributeQueryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object') {
      const nested: Record<string, unknown> = {};
      let found = false;
      for (const [key, value] of Object.entries(query)) {
        const match = /^attributes\[([^\]]*)\]$/.exec(key);
        if (!match) continue;
        found = true;
        nested[match[1]!] = value;
        delete query[key];
      }
      if (found && query.attributes === undefined) query.attributes = nested;
      else if (found) query.attributes = { __conflict: query.attributes };
    }
    return next.handle();
  }
}
