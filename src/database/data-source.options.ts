import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { GuardedPgClient } from './guarded-pg-client';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { UuidV7Subscriber } from './uuid-v7.subscriber';
import { migrations } from '../../migrations';

/** Every entity file, for the TypeORM CLI (the app registers entities through its modules). */
export const entitiesGlob = join(__dirname, '..', '**', `*.entity.${__filename.endsWith('.ts') ? 'ts' : 'js'}`);

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  applicationName: string;
}

/** The options every data source of Parley shares: the app's, the migration CLI's, the tests'. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrations,
    subscribers: [UuidV7Subscriber],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    applicationName: settings.applicationName,
    extra: { max: settings.poolSize, connectionTimeoutMillis: 5_000, Client: GuardedPgClient },
  };
}
