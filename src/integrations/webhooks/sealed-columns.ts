/**
 * The columns of this module sealed with `SecretsVault` (each with the column whose value is its
 * `aad`), for `npm run secrets:rotate` to re-seal with the current master key.
 */
export const webhookSealedColumns = [
  { table: 'webhook_subscriptions', column: 'secret_sealed', aad: 'id' },
  { table: 'webhook_subscriptions', column: 'previous_secret_sealed', aad: 'id' },
] as const;
