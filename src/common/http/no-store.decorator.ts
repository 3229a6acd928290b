import { applyDecorators, Header } from '@nestjs/common';

/** The headers of a response that must never be stored by a browser or a proxy cache. */
export const noStoreHeaders = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * For routes whose response carries a credential (tokens, keys, invitation links): no cache may
 * keep it (RFC 9111 `no-store`; `Pragma` for HTTP/1.0 caches). Set before the handler runs, so
 * the route's error responses carry it too.
 */
export const NoStore = (): MethodDecorator =>
  applyDecorators(Header('Cache-Control', noStoreHeaders['cache-control']), Header('Pragma', noStoreHeaders.pragma));
