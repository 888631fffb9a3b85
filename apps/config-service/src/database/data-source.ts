import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (migration:generate / migration:show): `npm run typeorm -- <command>`. */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/postback'));
