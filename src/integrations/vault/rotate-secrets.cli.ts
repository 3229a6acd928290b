import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@/config';
import { resolveDatabase } from '@/bootstrap/resolve-services';
import { dataSourceOptions } from '@/database/data-source.options';
import { sealedColumns } from './sealed-columns';
import { SecretsRotation } from './secrets-rotation';
import { createSecretsVault } from './vault.module';

/**
 * `npm run secrets:rotate`: re-seals every value of every sealed column with `ENCRYPTION_KEY`
 * (values sealed with a key of `ENCRYPTION_PREVIOUS_KEYS` open, then are sealed again). Prints the
 * counts as JSON (`--batch-size=N` rows per transaction, default 200); exits 1 when a value names a key that is not configured (or another value could
 * not be opened), 0 otherwise. Safe to run while the app runs, and to run again.
 */
/** `--batch-size=N` (default 200): rows re-sealed per transaction. */
function batchSize(args: readonly string[]): number {
  const arg = args.find((a) => a.startsWith('--batch-size='));
  const value = arg === undefined ? 200 : Number(arg.slice('--batch-size='.length));
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error('--batch-size must be 1 to 10000');
  return value;
}

async function main(): Promise<number> {
  const size = batchSize(process.argv.slice(2));
  const loaded = loadConfig();
  const database = await resolveDatabase(loaded);
  const dataSource = new DataSource(
    dataSourceOptions({ url: database.value.url, poolSize: 2, applicationName: 'parley-rotate-secrets' }),
  );
  await dataSource.initialize();
  try {
    const report = await new SecretsRotation(dataSource, createSecretsVault(loaded), sealedColumns, size).run();
    console.log(JSON.stringify(report, null, 2));
    const failed = report.columns.reduce((n, c) => n + c.unknownKey + c.unreadable, 0);
    if (report.unknownKeyIds.length > 0) {
      console.error(
        `Values sealed with unknown key(s) ${report.unknownKeyIds.join(', ')} were left as they are: ` +
          'add the key(s) to ENCRYPTION_PREVIOUS_KEYS and run again.',
      );
    }
    if (failed > 0) console.error(`${failed} value(s) could not be re-sealed.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await dataSource.destroy();
    await database.embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
