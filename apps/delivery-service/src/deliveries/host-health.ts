/**
 * Per-destination-host circuit breaker. After `threshold` consecutive failures that suggest the
 * host is down or hanging (timeouts, connection errors, 5xx), the host's circuit is open: jobs for
 * it on the main topic go straight to the retry lane without an attempt, so a dead receiver does not
 * hold back the other customers' first deliveries. Attempts in the retry lane still go out and act
 * as probes: the first success closes the circuit.
 */
export class HostHealth {
  private readonly failures = new Map<string, number>();

  constructor(private readonly threshold: number) {}

  isOpen(host: string): boolean {
    return (this.failures.get(host) ?? 0) >= this.threshold;
  }

  success(host: string): void {
    this.failures.delete(host);
  }

  failure(host: string): void {
    this.failures.set(host, (this.failures.get(host) ?? 0) + 1);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }

  openHosts(): number {
    let n = 0;
    for (const f of this.failures.values()) if (f >= this.threshold) n++;
    return n;
  }
}
