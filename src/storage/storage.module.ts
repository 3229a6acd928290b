import { type DynamicModule, Module } from '@nestjs/common';
import { derivedKey } from '@/common/crypto/master-key';
import type { AppConfig } from '@/config';
import { FileStorage } from './file-storage';
import { FilesController } from './files.controller';
import { LocalFileStorage } from './local-file-storage';

/**
 * Files behind one interface (`FileStorage`): the configured driver (`STORAGE_DRIVER`), global so
 * every module can inject it. The `local` driver's signed links are served by `FilesController`.
 */
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      controllers: config.role.api ? [FilesController] : [],
      providers: [{ provide: FileStorage, useFactory: () => createFileStorage(config) }],
      exports: [FileStorage],
    };
  }
}

export function createFileStorage(config: AppConfig): FileStorage {
  const storage = config.storage;
  if (storage.driver === 's3') {
    // The S3 driver (S3FileStorage, @aws-sdk/client-s3) is added with the integrations issue.
    throw new Error('STORAGE_DRIVER=s3 is not implemented yet');
  }
  return new LocalFileStorage({
    dir: storage.dir,
    publicUrl: config.integrations.publicUrl,
    signingKey: derivedKey(config, 'storage-links'),
    ttlSeconds: storage.signedUrlTtlSeconds,
  });
}
