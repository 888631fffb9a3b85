import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';

/**
 * The operators' console (apps/console, built to static files) at /console, on the API's origin.
 * Assets have hashed names and are cached for good; every other path under /console is the
 * single-page app's index (deep links). The console holds no secret: it signs in with an API key
 * that the browser sends in a header, so these files are served without authentication.
 */
export function serveConsole(app: INestApplication, dir: string): void {
  const index = join(dir, 'index.html');
  const built = existsSync(index);
  const http = app.getHttpAdapter().getInstance() as express.Express;

  http.use((req: Request, res: Response, next: NextFunction) => (req.path === '/console' ? res.redirect(301, '/console/') : next()));
  http.use('/console', securityHeaders);
  if (!built) {
    http.use('/console', (_req: Request, res: Response) => {
      res.status(503).type('text/plain').send('The console is not built. Run `npm run build:console` (or `npm run build`), then restart the config service.\n');
    });
    return;
  }
  http.use('/console/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  http.use(
    '/console/assets',
    (_req: Request, res: Response) => void res.status(404).type('text/plain').send('No such asset (the console was rebuilt: reload the page).\n'),
  );
  http.use('/console', express.static(dir, { index: false, maxAge: 0 }));
  // Read on each request (it is small): a rebuilt console is served without a restart.
  http.get(/^\/console\/.*/, (_req: Request, res: Response, next: NextFunction) => {
    readFile(index)
      .then((html) => res.setHeader('Cache-Control', 'no-cache').type('html').send(html))
      .catch(next);
  });
}

/**
 * A strict content security policy: scripts only from this origin (no inline script, no eval),
 * connections only to this origin (the API), no framing. Inline styles are allowed because the
 * code editor (CodeMirror) writes its styles at run time.
 */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
}
