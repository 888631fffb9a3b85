/**
 * Deliveries this instance has settled (delivered, or failed for good), with the attempt that did
 * it: a hand-off job for one of them is dropped. Bounded; the oldest are forgotten first.
 */
export class SettledDeliveries {
  private readonly settled = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  add(deliveryId: string, attempt: number): void {
    this.settled.set(deliveryId, attempt);
    if (this.settled.size > this.limit) this.settled.delete(this.settled.keys().next().value as string);
  }

  has(deliveryId: string): boolean {
    return this.settled.has(deliveryId);
  }
}
