/** PostgreSQL's unique_violation: an insert lost a race for a unique value. */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';
