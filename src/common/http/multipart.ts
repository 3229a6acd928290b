import type { FastifyMultipartBaseOptions } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@/config';
import { DomainException } from '../errors/domain.exception';

/**
 * Limits of every multipart body (`@fastify/multipart`, parsed only when a route calls
 * `request.parts()`): a few small fields and one file; the file's own limit is its route's
 * (the contacts import streams it to storage with `CONTACTS_IMPORT_MAX_BYTES`).
 */
export const multipartLimits = (config: AppConfig): NonNullable<FastifyMultipartBaseOptions['limits']> => ({
  fields: 20,
  fieldSize: 64 * 1024,
  files: 2,
  parts: 24,
  headerPairs: 100,
  fileSize: config.contacts.importMaxBytes + 1,
});

class MultipartNotAccepted extends DomainException {
  constructor() {
    super({
      code: 'request.unsupported_media_type',
      status: 415,
      detail: 'This route does not take multipart/form-data; send JSON.',
    });
  }
}

/**
 * `preValidation` hook: multipart bodies only on routes that declare `@RouteConfig({ multipart: true })`,
 * so registering the plugin does not change what the other routes accept (415, as without it).
 */
export function multipartOnlyWhereAccepted(
  request: FastifyRequest,
  _reply: unknown,
  done: (error?: Error) => void,
): void {
  const accepts = (request.routeOptions.config as { multipart?: boolean } | undefined)?.multipart === true;
  done(!accepts && request.isMultipart() ? new MultipartNotAccepted() : undefined);
}
