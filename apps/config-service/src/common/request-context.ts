import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is calling: the API key that authenticated the request. */
export interface Actor {
  keyId: string;
  name: string;
  scopes: string[];
}

interface RequestStore {
  requestId: string;
  actor?: Actor;
}

/**
 * The current request's id and actor, available to services without passing HTTP objects
 * around (the audit log reads the actor from here).
 */
export class RequestContext {
  private static readonly storage = new AsyncLocalStorage<RequestStore>();

  static run<T>(requestId: string, fn: () => T): T {
    return this.storage.run({ requestId }, fn);
  }

  static setActor(actor: Actor): void {
    const store = this.storage.getStore();
    if (store) store.actor = actor;
  }

  static actor(): Actor {
    return this.storage.getStore()?.actor ?? { keyId: 'system', name: 'system', scopes: [] };
  }

  static requestId(): string | undefined {
    return this.storage.getStore()?.requestId;
  }
}
