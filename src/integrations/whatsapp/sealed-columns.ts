/** Columns sealed by the vault (aad: the row's `id`), for `secrets:rotate`. */
export const whatsAppSealedColumns = [
  { table: 'whatsapp_channels', column: 'access_token_sealed', aad: 'id' },
  { table: 'whatsapp_channels', column: 'app_secret_sealed', aad: 'id' },
] as const;
