import { webhookSealedColumns } from '@/integrations/webhooks/sealed-columns';
import { whatsAppSealedColumns } from '@/integrations/whatsapp/sealed-columns';

/**
 * A column of sealed values (`SecretsVault.seal`): `aad` names the row's id column, whose value was
 * bound into each seal (so a value copied onto another row does not open) and identifies the row.
 */
export interface SealedColumn {
  readonly table: string;
  readonly column: string;
  readonly aad: string;
}

/**
 * Every sealed column of Parley, re-sealed by `npm run secrets:rotate`. A module that stores a
 * sealed value adds one line here.
 */
export const sealedColumns: readonly SealedColumn[] = [
  { table: 'connections', column: 'secrets_sealed', aad: 'id' },
  ...webhookSealedColumns,
  ...whatsAppSealedColumns,
];

/** DI token of the registry (`readonly SealedColumn[]`). */
export const SEALED_COLUMNS = Symbol('SEALED_COLUMNS');
