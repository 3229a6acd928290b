import type { Provider } from '@nestjs/common';
import { type AppConfig, APP_CONFIG } from '@/config';
import { resolveMasterKey } from '@/common/crypto/master-key';
import { SecretsVault } from '@/integrations/vault/secrets-vault';

/**
 * The vault that seals webhook secrets, built from the master key and the previous keys. Provided
 * under the `SecretsVault` class token inside this module, so a global vault module can replace it.
 */
export const webhookVaultProvider: Provider = {
  provide: SecretsVault,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new SecretsVault(resolveMasterKey(config), config.integrations.encryption.previousKeys),
};
