import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The operators' console: built to static files in dist/console, which the config service serves
 * at /console (same origin as the API). `npm run console:dev` proxies the API to a local config
 * service on :3000.
 */
export default defineConfig({
  root,
  base: '/console/',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // TanStack Query marks its hooks "use client" (for React Server Components); irrelevant to a SPA bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      ['/me', '/customers', '/templates', '/mapper', '/event-types', '/deliveries', '/replays', '/stats', '/platform', '/api-keys', '/audit-log'].map((p) => [
        p,
        { target: process.env.CONSOLE_API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false },
      ]),
    ),
  },
});
