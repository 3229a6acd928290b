import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@/config';
import { resolveDatabase } from '@/bootstrap/resolve-services';
import { dataSourceOptions } from './data-source.options';

type Command = 'run' | 'revert' | 'revert-all' | 'show';
const commands: readonly Command[] = ['run', 'revert', 'revert-all', 'show'];

/**
 * `npm run migration:<command>`: runs against DATABASE_URL, or the same development default the
 * app would use (local PostgreSQL, else embedded).
 */
async function main(command: Command): Promise<void> {
  const database = await resolveDatabase(loadConfig());
  console.log(database.note);
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: database.value.url, poolSize: 1, applicationName: 'parley-migrate' }),
    logging: ['error', 'migration'],
  });
  await dataSource.initialize();
  try {
    switch (command) {
      case 'run': {
        const ran = await dataSource.runMigrations({ transaction: 'each' });
        console.log(ran.length ? `Applied ${ran.map((m) => m.name).join(', ')}` : 'No pending migrations');
        break;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        break;
      case 'revert-all': {
        const executed = (await dataSource
          .query(`SELECT count(*)::int AS n FROM "migrations"`)
          .catch(() => [{ n: 0 }])) as { n: number }[];
        for (let i = 0; i < (executed[0]?.n ?? 0); i++) await dataSource.undoLastMigration({ transaction: 'each' });
        console.log(`Reverted ${executed[0]?.n ?? 0} migration(s)`);
        break;
      }
      case 'show': {
        const pending = await dataSource.showMigrations();
        console.log(pending ? 'There are pending migrations' : 'All migrations are applied');
        break;
      }
    }
  } finally {
    await dataSource.destroy();
    await database.embedded?.stop();
  }
}

const command = process.argv[2] as Command;
if (!commands.includes(command)) {
  console.error(`usage: migrate <${commands.join('|')}>`);
  process.exit(2);
}
main(command).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
