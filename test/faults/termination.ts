import type { ServiceProcess } from '../support/processes';

/** What supervisors usually wait after SIGTERM before SIGKILL; SHUTDOWN_TIMEOUT_MS (8 s) stays under it. */
export const TERMINATION_BOUND_MS = 10_000;

/** SIGTERM, and how long the service took to exit (it fails the test, with the service's log, past the bound). */
export async function terminate(service: ServiceProcess, label: string): Promise<{ ms: number; code: number | null }> {
  const result = await service.terminate();
  console.log(`SIGTERM ${label}: exited in ${result.ms} ms with ${result.code ?? result.signal}`);
  if (result.ms >= TERMINATION_BOUND_MS) throw new Error(`${label} took ${result.ms} ms to exit\n${service.tail(40)}`);
  return result;
}
