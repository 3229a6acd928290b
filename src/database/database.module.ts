import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type AppConfig, APP_CONFIG } from '@/config';
import { dataSourceOptions } from './data-source.options';

/**
 * The app's TypeORM data source. Entities are registered by their modules (`forFeature`);
 * migrations run at boot outside production (DATABASE_MIGRATE_ON_BOOT).
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions({
          url: config.database.url,
          poolSize: config.database.poolSize,
          applicationName: `parley-${config.role.name}`,
        }),
        autoLoadEntities: true,
        // TypeORM's logger would print failed queries with their parameters (hashes, answers):
        // errors reach our logs only through the safe `err` serializer (src/logging/redact.ts).
        logging: false,
        migrationsRun: config.database.migrateOnBoot,
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
    }),
  ],
})
export class DatabaseModule {}
