/**
 * Writes the config API's OpenAPI document and the console's generated client types from it:
 *   apps/console/src/api/openapi.json   the document (as served at /docs/openapi.json)
 *   apps/console/src/api/schema.d.ts    its TypeScript types (openapi-typescript)
 * With --check, writes nothing and exits 1 when either file is out of date (run by `npm test`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApiDocumentOffline } from '../apps/config-service/src/openapi/openapi-document';

const root = resolve(__dirname, '..');
const targets = { json: join(root, 'apps/console/src/api/openapi.json'), types: join(root, 'apps/console/src/api/schema.d.ts') };

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const document = `${JSON.stringify(await openApiDocumentOffline(), null, 2)}\n`;
  const work = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const json = join(work, 'openapi.json');
    const types = join(work, 'schema.d.ts');
    writeFileSync(json, document);
    execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), [json, '-o', types, '--alphabetize', '--default-non-nullable', 'false'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const generated = { json: document, types: readFileSync(types, 'utf8') };
    if (check) {
      const stale = (Object.keys(targets) as Array<keyof typeof targets>).filter((k) => readOr(targets[k]) !== generated[k]);
      if (stale.length > 0) {
        console.error(`out of date: ${stale.map((k) => targets[k].slice(root.length + 1)).join(', ')}; run: npm run openapi`);
        process.exit(1);
      }
      console.log('the OpenAPI document and the console client types are up to date');
      return;
    }
    for (const k of Object.keys(targets) as Array<keyof typeof targets>) writeFileSync(targets[k], generated[k]);
    console.log(
      `wrote ${Object.values(targets)
        .map((t) => t.slice(root.length + 1))
        .join(', ')}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
