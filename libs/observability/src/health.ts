/** A named readiness check. Returns nothing when healthy; throws (or returns a reason) when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<string | void> | string | void;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { status: 'ok' | 'down'; detail?: string }>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** Runs every registered check with a time limit; ready only when all pass. */
export class HealthService {
  private readonly checks: HealthCheck[] = [];

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async readiness(timeoutMs = 2000): Promise<HealthReport> {
    const entries = await Promise.all(
      this.checks.map(async (c) => {
        try {
          const reason = await withTimeout(Promise.resolve(c.check()), timeoutMs, `${c.name} check timed out`);
          return [c.name, reason ? { status: 'down' as const, detail: reason } : { status: 'ok' as const }] as const;
        } catch (e) {
          return [c.name, { status: 'down' as const, detail: (e as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ok = entries.every(([, r]) => r.status === 'ok');
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
