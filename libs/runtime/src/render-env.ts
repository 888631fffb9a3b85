import type { EnvReader } from './env-reader';

/** The sandbox's limits: the same variables and defaults wherever templates render (preview, test-fire, delivery). */
export interface RenderSettings {
  timeoutMs: number;
  workers: number;
  maxOutputBytes: number;
}

/**
 * Reads RENDER_TIMEOUT_MS and RENDER_MAX_OUTPUT_BYTES (the limits a preview must share with live
 * delivery, so that what passes one passes the other) and how many workers (`workersVariable`: a
 * service of its own, so that a configuration shared by all services sizes each alike).
 */
export function readRenderEnv(env: EnvReader, workersVariable: string, defaultWorkers: number): RenderSettings {
  return {
    timeoutMs: env.int('RENDER_TIMEOUT_MS', 100, { min: 5, max: 10_000 }),
    workers: env.int(workersVariable, defaultWorkers, { min: 1, max: 32 }),
    maxOutputBytes: env.int('RENDER_MAX_OUTPUT_BYTES', 1024 * 1024, { min: 1024, max: 16 * 1024 * 1024 }),
  };
}
