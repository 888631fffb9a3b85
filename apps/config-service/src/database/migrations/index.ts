import { Foundation1795850055633 } from './1795850055633-Foundation';

/** Every migration, in order. Generated with the TypeORM CLI, reviewed, never edited once landed. */
export const MIGRATIONS = [Foundation1795850055633];
