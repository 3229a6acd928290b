export const orgRoles = ['viewer', 'agent', 'org_admin'] as const;
export type OrgRole = (typeof orgRoles)[number];

const rank: Readonly<Record<OrgRole, number>> = { viewer: 0, agent: 1, org_admin: 2 };

/** `viewer` < `agent` < `org_admin`. */
export const roleAtLeast = (role: OrgRole, required: OrgRole): boolean => rank[role] >= rank[required];

export const highestRole = (roles: readonly OrgRole[]): OrgRole | undefined =>
  roles.reduce<OrgRole | undefined>((best, r) => (best === undefined || rank[r] > rank[best] ? r : best), undefined);

export const isOrgRole = (value: unknown): value is OrgRole => orgRoles.includes(value as OrgRole);
