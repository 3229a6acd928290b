import { type DynamicModule, Module } from '@nestjs/common';
import { derivedKey } from '@/common/crypto/master-key';
import type { AppConfig } from '@/config';
import { FileStorage } from './file-storage';
import { FilesController } from './files.controller';
import { LocalFileStorage } from './local-file-storage';
import { S3FileStorage } from './s3-file-storage';

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
    return new S3FileStorage({
      endpoint: storage.endpoint,
      region: storage.region,
      bucket: storage.bucket,
      accessKeyId: storage.accessKeyId,
      secretAccessKey: storage.secretAccessKey,
      forcePathStyle: storage.forcePathStyle,
      ttlSeconds: storage.signedUrlTtlSeconds,
    });
  }
  return new LocalFileStorage({
    dir: storage.dir,
    publicUrl: config.integrations.publicUrl,
    signingKey: derivedKey(config, 'storage-links'),
    ttlSeconds: storage.signedUrlTtlSeconds,
  });
}
