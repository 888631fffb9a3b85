import { OrderEventType, parseConfigRecord, TriggerSnapshot } from '@postback/contracts';

export type ApplyOutcome = 'applied' | 'stale' | 'deleted' | 'ignored';

interface Waiter {
  triggerId: string;
  revision: number;
  resolve: (snapshot: TriggerSnapshot | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * The in-memory view of the triggers, built from the compacted config topic. The router matches
 * events against it on the hot path (no MySQL), the delivery service reads trigger settings and
 * templates from it. Keeps, per trigger, the highest revision seen; a tombstone removes it (and
 * remembers the revision it had, so a late older snapshot cannot bring it back).
 */
export class TriggerIndex {
  private readonly byId = new Map<string, TriggerSnapshot>();
  /** customerId → eventType → active triggers. */
  private readonly active = new Map<string, Map<OrderEventType, TriggerSnapshot[]>>();
  private readonly deletedAt = new Map<string, number>();
  /** customerId → how many of its active triggers have an out-of-order policy other than deliver. */
  private readonly lifecycleAware = new Map<string, number>();
  private waiters: Waiter[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(triggerId: string): TriggerSnapshot | undefined {
    return this.byId.get(triggerId);
  }

  /** Active triggers of the event's customer that listen to its type. */
  match(customerId: string, type: OrderEventType): readonly TriggerSnapshot[] {
    return this.active.get(customerId)?.get(type) ?? EMPTY;
  }

  /**
   * Whether the customer has an active trigger that skips or annotates out-of-order events: only
   * such customers' orders are tracked by the router (see docs/delivery.md, lifecycle awareness).
   */
  tracksLifecycle(customerId: string): boolean {
    return this.lifecycleAware.has(customerId);
  }

  /** Applies one config-topic record (key, value; null value = tombstone). */
  applyRecord(key: string | null, value: Buffer | null): { outcome: ApplyOutcome; reason?: string } {
    const parsed = parseConfigRecord(key, value);
    if (parsed.kind === 'unknown') return { outcome: 'ignored', reason: parsed.reason };
    if (parsed.kind === 'trigger-deleted') {
      const existing = this.byId.get(parsed.id);
      if (existing) {
        this.unindex(existing);
        this.byId.delete(parsed.id);
        this.deletedAt.set(parsed.id, existing.revision);
      }
      this.release(parsed.id);
      return { outcome: 'deleted' };
    }
    return { outcome: this.apply(parsed.snapshot) };
  }

  apply(snapshot: TriggerSnapshot): ApplyOutcome {
    const existing = this.byId.get(snapshot.id);
    if (existing && existing.revision >= snapshot.revision) return 'stale';
    const deletedRevision = this.deletedAt.get(snapshot.id);
    if (deletedRevision !== undefined && deletedRevision >= snapshot.revision) return 'stale';
    if (existing) this.unindex(existing);
    this.byId.set(snapshot.id, snapshot);
    if (snapshot.status === 'active') this.index(snapshot);
    this.release(snapshot.id);
    return 'applied';
  }

  /**
   * Resolves with the trigger once the view holds `revision` or newer (or the trigger is deleted),
   * or after `timeoutMs` with whatever the view has. Lets the delivery service wait for a config
   * change the router has already seen.
   */
  waitFor(triggerId: string, revision: number, timeoutMs: number): Promise<TriggerSnapshot | undefined> {
    const current = this.byId.get(triggerId);
    if ((current && current.revision >= revision) || (this.deletedAt.get(triggerId) ?? -1) >= revision) return Promise.resolve(current);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        triggerId,
        revision,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(this.byId.get(triggerId));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private release(triggerId: string): void {
    if (this.waiters.length === 0) return;
    const current = this.byId.get(triggerId);
    const deleted = this.deletedAt.get(triggerId) ?? -1;
    this.waiters = this.waiters.filter((w) => {
      if (w.triggerId !== triggerId) return true;
      if ((current && current.revision >= w.revision) || deleted >= w.revision || !current) {
        clearTimeout(w.timer);
        w.resolve(current);
        return false;
      }
      return true;
    });
  }

  private index(s: TriggerSnapshot): void {
    let byType = this.active.get(s.customerId);
    if (!byType) {
      byType = new Map();
      this.active.set(s.customerId, byType);
    }
    for (const type of s.eventTypes) {
      const list = byType.get(type);
      if (list) list.push(s);
      else byType.set(type, [s]);
    }
    if (s.outOfOrder && s.outOfOrder !== 'deliver') this.lifecycleAware.set(s.customerId, (this.lifecycleAware.get(s.customerId) ?? 0) + 1);
  }

  private unindex(s: TriggerSnapshot): void {
    const byType = this.active.get(s.customerId);
    if (!byType) return;
    for (const type of s.eventTypes) {
      const list = byType.get(type);
      if (!list) continue;
      const next = list.filter((t) => t.id !== s.id);
      if (next.length === 0) byType.delete(type);
      else byType.set(type, next);
    }
    if (byType.size === 0) this.active.delete(s.customerId);
    // Only an indexed (active) snapshot was counted.
    if (s.status === 'active' && s.outOfOrder && s.outOfOrder !== 'deliver') {
      const left = (this.lifecycleAware.get(s.customerId) ?? 1) - 1;
      if (left > 0) this.lifecycleAware.set(s.customerId, left);
      else this.lifecycleAware.delete(s.customerId);
    }
  }
}

const EMPTY: readonly TriggerSnapshot[] = Object.freeze([]);
