import { type DynamicModule, Module } from '@nestjs/common';
import { resolveMasterKey } from '@/common/crypto/master-key';
import type { AppConfig } from '@/config';
import { SEALED_COLUMNS, sealedColumns } from './sealed-columns';
import { SecretsVault } from './secrets-vault';

/** The installation's vault (`ENCRYPTION_KEY` + `ENCRYPTION_PREVIOUS_KEYS`), from the configuration. */
export function createSecretsVault(config: Pick<AppConfig, 'integrations' | 'dataDir'>): SecretsVault {
  return new SecretsVault(resolveMasterKey(config), config.integrations.encryption.previousKeys);
}

/**
 * Secrets at rest, global so every module that stores a secret can inject `SecretsVault`; the
 * registry of sealed columns (`SEALED_COLUMNS`) is what `npm run secrets:rotate` re-seals.
 */
@Module({})
export class VaultModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: VaultModule,
      global: true,
      providers: [
        { provide: SecretsVault, useFactory: () => createSecretsVault(config) },
        { provide: SEALED_COLUMNS, useValue: sealedColumns },
      ],
      exports: [SecretsVault, SEALED_COLUMNS],
    };
  }
}
