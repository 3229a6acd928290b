/** The bundled widget (or undefined when it was not built), read once at boot. */
export const WIDGET_ASSET = Symbol('WIDGET_ASSET');

/**
 * Key of a route's Fastify config: response headers set after the app's security headers (which
 * every response gets in an onSend hook), so a route can loosen one of them for itself.
 */
export const RESPONSE_HEADERS = 'responseHeaders';
