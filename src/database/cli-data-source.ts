import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, entitiesGlob } from './data-source.options';

/**
 * Data source for the TypeORM CLI (`npm run migration:generate -- migrations/Name`): every entity
 * of every module, against DATABASE_URL (default: local PostgreSQL, database parley).
 */
export default new DataSource({
  ...dataSourceOptions({
    // eslint-disable-next-line no-restricted-properties -- CLI entry point outside the app's config
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley',
    poolSize: 1,
    applicationName: 'parley-cli',
  }),
  entities: [entitiesGlob],
});
