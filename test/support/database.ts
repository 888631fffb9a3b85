import { DataSource } from 'typeorm';
import { migrateDatabase } from '../../apps/config-service/src/database/migrate';
import { TEST_DATABASE_SERVER, testLogger, uniqueSuffix } from './environment';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database with the migrations applied, on the machine's MySQL/MariaDB. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `pb_test_${uniqueSuffix()}`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  await migrateDatabase(url, testLogger('migrate'));
  return {
    url,
    name,
    async drop() {
      const ds = new DataSource({ type: 'mysql', url: `${TEST_DATABASE_SERVER}/` });
      await ds.initialize();
      try {
        await ds.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await ds.destroy();
      }
    },
  };
}
