import { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` while holding a MySQL named lock (GET_LOCK, on MySQL and MariaDB) taken without
 * waiting; false, without running it, when another connection holds the lock. The lock lives on a
 * connection of its own for the whole run, so a process that dies releases it with its connection.
 * Named locks are server-wide: the name carries the database's (names are cut at MySQL's 64).
 */
export async function withNamedLock(db: DataSource, name: string, work: () => Promise<void>): Promise<boolean> {
  const lockName = `${name}.${db.driver.database ?? ''}`.slice(0, 64);
  let runner: QueryRunner | undefined;
  try {
    runner = db.createQueryRunner();
    const [row] = (await runner.query('SELECT GET_LOCK(?, 0) AS got', [lockName])) as Array<{ got: number | string | null }>;
    if (Number(row?.got) !== 1) return false;
    try {
      await work();
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    }
    return true;
  } finally {
    await runner?.release().catch(() => undefined);
  }
}
