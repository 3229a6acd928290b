/**
 * The id of an organization whose scope has been proven: resolved from the principal's
 * memberships (the tenant guard), read from a tenant row (a session's `organizationId`), or taken
 * from a job payload written by tenant code. Repository methods of tenant tables take one as their
 * first argument, so a query that forgets the organization does not compile, and a plain string
 * (a header, a body field) cannot be passed by mistake.
 */
export type OrganizationId = string & { readonly __brand: 'OrganizationId' };

/**
 * Brands an id already proven to be the organization in scope (see `OrganizationId`). Call it
 * only where the proof is: never on request input.
 */
export function asOrganizationId(proven: string): OrganizationId {
  return proven as OrganizationId;
}
