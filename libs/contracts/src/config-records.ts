import { OrderEventType } from './event-types';
import { DeliveryChannel } from './attempt-result';

/**
 * Snapshots on the compacted config topic, keyed `trigger:<id>`. A null value (tombstone)
 * deletes. Consumers keep the highest revision they have seen. A trigger snapshot embeds the
 * resolved template version, so the router and the delivery service need nothing else.
 */
export type TriggerStatus = 'draft' | 'active' | 'paused';
/**
 * A template's output: JSON (checked to be valid), XML (checked to be well-formed), a form
 * (`application/x-www-form-urlencoded`, encoded from the flat JSON object the template renders),
 * HTML (escaped interpolation), or plain text.
 */
export type TemplateFormat = 'json' | 'xml' | 'form' | 'html' | 'text';
export const TEMPLATE_FORMATS: readonly TemplateFormat[] = ['json', 'xml', 'form', 'html', 'text'];
/** The formats a URL (http) trigger can send; email takes every format. */
export const HTTP_TEMPLATE_FORMATS: readonly TemplateFormat[] = ['json', 'xml', 'form'];
export type HttpMethod = 'POST' | 'PUT' | 'PATCH';

/**
 * What a trigger does with an event that is stale (it occurred before the last event routed for
 * its order) or goes backwards in the order's lifecycle: send it as any other (`deliver`, the
 * default), leave it out and say so in the delivery log (`skip`), or send it with
 * `meta.lifecycle` telling the template what is wrong with it (`annotate`).
 */
export type OutOfOrderPolicy = 'deliver' | 'skip' | 'annotate';
export const OUT_OF_ORDER_POLICIES: readonly OutOfOrderPolicy[] = ['deliver', 'skip', 'annotate'];

/** Delivery order across the events of one order (see docs/delivery.md, "Per-order sequence"). */
export type OrderingMode = 'none' | 'per-order';
export const ORDERING_MODES: readonly OrderingMode[] = ['none', 'per-order'];

/**
 * `per-order`: while a delivery of this trigger for an order waits for a retry, the trigger's later
 * deliveries for that order wait behind it, up to a limit: past `maxWaitSeconds` of waiting, or
 * with more than `maxQueued` deliveries queued, the order gives up waiting and what is queued is
 * sent (recorded and alerted).
 */
export interface OrderingSettings {
  mode: 'per-order';
  maxWaitSeconds: number;
  maxQueued: number;
}

export interface TriggerSnapshot {
  kind: 'trigger';
  id: string;
  customerId: string;
  name: string;
  eventTypes: OrderEventType[];
  status: TriggerStatus;
  channel: DeliveryChannel;
  http?: { url: string; method: HttpMethod; headers: Record<string, string>; timeoutMs: number };
  email?: EmailConfig;
  retry: { enabled: boolean; maxAttempts: number };
  /** Per-order sequence; absent: no ordering beyond the partition's (today's behaviour). */
  ordering?: OrderingSettings;
  /** Stale and backwards events; absent: `deliver`. */
  outOfOrder?: OutOfOrderPolicy;
  /** The template this trigger renders, resolved to one version and embedded. */
  template: { id: string; version: number; format: TemplateFormat; body: string };
  /** The customer's output contract: a JSON Schema (2020-12) every rendered payload must meet, or it is not sent. */
  outputSchema?: object;
  /** Signing secrets, sealed with the shared config key (see libs/security secret-box). */
  sealedSecrets: string;
  revision: number;
  updatedAt: string;
  /**
   * The trigger revision these top-level settings come from: the live one once the trigger has
   * been activated. Absent in snapshots from before revisions existed.
   */
  liveRevision?: number | null;
  /**
   * Changes waiting for a test: the next revision's settings. Live events never use them; a
   * test-fire always does (see `configurationUnderTest`).
   */
  draft?: TriggerDraft;
}

/** What a revision of a trigger decides: what it listens to, where and how it sends, what it renders. */
export type TriggerConfiguration = Pick<
  TriggerSnapshot,
  'name' | 'eventTypes' | 'channel' | 'http' | 'email' | 'retry' | 'ordering' | 'outOfOrder' | 'template' | 'outputSchema'
>;

/** A revision that has not gone live yet, with its number. */
export type TriggerDraft = TriggerConfiguration & { number: number };

/**
 * The settings a test-fire runs with: the draft's when there is one, the live ones otherwise.
 * Live deliveries use the snapshot's top-level settings only.
 */
export function configurationUnderTest(snapshot: TriggerSnapshot): TriggerSnapshot {
  if (!snapshot.draft) return snapshot;
  const { name, eventTypes, channel, http, email, retry, ordering, outOfOrder, template, outputSchema } = snapshot.draft;
  return { ...snapshot, name, eventTypes, channel, http, email, retry, ordering, outOfOrder, template, outputSchema, draft: undefined };
}

export type ConfigSnapshot = TriggerSnapshot;

export const configKey = {
  trigger: (id: string) => `trigger:${id}`,
};

/** An email trigger's addressing; the subject is an Eta template over the event. */
export interface EmailConfig {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
}

/** The signing secrets of a trigger, as sealed into the snapshot. */
export interface TriggerSecrets {
  current: string;
  /** The previous secret keeps signing until `previousExpiresAt` (rotation grace period). */
  previous?: { secret: string; expiresAt: string };
}

export type ParsedConfigRecord =
  { kind: 'trigger'; id: string; snapshot: TriggerSnapshot } | { kind: 'trigger-deleted'; id: string } | { kind: 'unknown'; reason: string };

/** Reads a record of the config topic; never throws. Unknown kinds are reported, not fatal. */
export function parseConfigRecord(key: string | null, value: Buffer | null): ParsedConfigRecord {
  if (!key) return { kind: 'unknown', reason: 'record without a key' };
  const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind !== 'trigger' || !id) return { kind: 'unknown', reason: `unknown key "${key}"` };
  if (value === null) return { kind: 'trigger-deleted', id };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { kind: 'unknown', reason: `value of ${key} is not JSON: ${(e as Error).message}` };
  }
  const s = parsed as Partial<TriggerSnapshot>;
  if (
    s?.kind !== 'trigger' ||
    s.id !== id ||
    typeof s.revision !== 'number' ||
    typeof s.customerId !== 'string' ||
    !Array.isArray(s.eventTypes) ||
    !s.template
  ) {
    return { kind: 'unknown', reason: `value of ${key} is not a trigger snapshot` };
  }
  return { kind: 'trigger', id, snapshot: s as TriggerSnapshot };
}
