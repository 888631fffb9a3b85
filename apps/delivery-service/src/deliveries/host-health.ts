/**
 * Per-destination-host circuit breaker. After `threshold` consecutive failures that suggest the
 * host is down or hanging (timeouts, connection errors, 5xx), the host is "open" for `cooldownMs`:
 * new jobs for it skip the main topic and go straight to the first retry tier, without an attempt,
 * so a dead receiver does not hold back the other customers' deliveries. After the cooldown one
 * attempt probes it; a success closes the circuit.
 */
export class HostHealth {
  private readonly hosts = new Map<string, { failures: number; openUntil: number }>();

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  isOpen(host: string): boolean {
    const h = this.hosts.get(host);
    if (!h || h.openUntil === 0) return false;
    if (this.now() < h.openUntil) return true;
    // Half-open: let one attempt through, and keep the others out until it reports.
    h.openUntil = this.now() + this.cooldownMs;
    return false;
  }

  success(host: string): void {
    this.hosts.delete(host);
  }

  failure(host: string): void {
    const h = this.hosts.get(host) ?? { failures: 0, openUntil: 0 };
    h.failures++;
    if (h.failures >= this.threshold) h.openUntil = this.now() + this.cooldownMs;
    this.hosts.set(host, h);
    if (this.hosts.size > 10_000) this.hosts.delete(this.hosts.keys().next().value as string);
  }

  openHosts(): number {
    const now = this.now();
    let n = 0;
    for (const h of this.hosts.values()) if (h.openUntil > now) n++;
    return n;
  }
}
