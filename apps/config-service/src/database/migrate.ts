import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { dataSourceOptions } from './data-source-options';

/**
 * Creates the database when missing and runs pending migrations, under a MySQL named lock so
 * that two instances starting together do not race. Safe to run any number of times.
 */
export async function migrateDatabase(databaseUrl: string, logger: Logger): Promise<string[]> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) throw new Error(`database name "${database}" must be 1-64 letters, digits or _`);
  const serverUrl = new URL(databaseUrl);
  serverUrl.pathname = '/';
  const server = new DataSource({ type: 'mysql', url: serverUrl.toString(), connectTimeout: 5000 });
  await server.initialize();
  try {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.destroy();
  }
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT GET_LOCK(?, 60)', [`postback.migrations.${database}`.slice(0, 64)]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    // Timestamps default to CURRENT_TIMESTAMP (the session's time zone) and are read as UTC.
    const [tz] = (await runner.query('SELECT TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), NOW()) AS tz_offset')) as Array<{ tz_offset: number | string }>;
    if (Number(tz?.tz_offset) !== 0)
      logger.warn({ offsetMinutes: Number(tz?.tz_offset) }, 'the MySQL server time zone is not UTC: set default-time-zone=+00:00, or stored times will be off');
    const names = applied.map((m) => m.name);
    logger.info({ database, applied: names }, names.length ? 'database migrated' : 'database schema is up to date');
    return names;
  } finally {
    await runner.query('SELECT RELEASE_LOCK(?)', [`postback.migrations.${database}`.slice(0, 64)]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}
