import { canonicalJson } from '../common/canonical-json';
import type { EmailConfig, HttpMethod, OrderEventType, OrderingMode, OutOfOrderPolicy, TemplateFormat } from '@postback/contracts';
import type { TriggerEntity } from './trigger.entity';

/** The settings a revision of a trigger holds: everything an operator can change, nothing else. */
export interface TriggerConfig {
  name: string;
  eventTypes: OrderEventType[];
  url: string | null;
  method: HttpMethod;
  format: TemplateFormat;
  headers: Record<string, string>;
  retryOnFailure: boolean;
  maxAttempts: number;
  timeoutMs: number;
  /** Absent in revisions from before order-aware delivery: read as `none`, 3600, 50, `deliver`. */
  ordering?: OrderingMode;
  orderingMaxWaitSeconds?: number;
  orderingMaxQueued?: number;
  outOfOrder?: OutOfOrderPolicy;
  templateId: string;
  /** Pinned version, or null to follow the template's latest. */
  templateVersion: number | null;
  email: EmailConfig | null;
  /** The output contract (JSON Schema), or null. */
  outputSchema: object | null;
}

/** One changed setting between two revisions, named as the API names it. */
export interface ConfigChange {
  field: keyof TriggerConfig;
  from: unknown;
  to: unknown;
}

const FIELDS: ReadonlyArray<keyof TriggerConfig> = [
  'name',
  'eventTypes',
  'url',
  'method',
  'format',
  'headers',
  'retryOnFailure',
  'maxAttempts',
  'timeoutMs',
  'ordering',
  'orderingMaxWaitSeconds',
  'orderingMaxQueued',
  'outOfOrder',
  'templateId',
  'templateVersion',
  'email',
  'outputSchema',
];

export function configOf(t: TriggerEntity): TriggerConfig {
  return {
    name: t.name,
    eventTypes: [...t.eventTypes],
    url: t.url,
    method: t.method,
    format: t.format,
    headers: { ...(t.headers ?? {}) },
    retryOnFailure: t.retryEnabled,
    maxAttempts: t.maxAttempts,
    timeoutMs: t.timeoutMs,
    ordering: t.ordering,
    orderingMaxWaitSeconds: t.orderingMaxWaitSeconds,
    orderingMaxQueued: t.orderingMaxQueued,
    outOfOrder: t.outOfOrder,
    templateId: t.templateId,
    templateVersion: t.templateVersion,
    email: t.email ? { ...t.email } : null,
    outputSchema: t.outputSchema ?? null,
  };
}

/** The trigger's columns for a configuration (to write a restored revision back). */
export function columnsOf(c: TriggerConfig): Partial<TriggerEntity> {
  return {
    name: c.name,
    eventTypes: c.eventTypes,
    url: c.url,
    method: c.method,
    format: c.format,
    headers: c.headers,
    retryEnabled: c.retryOnFailure,
    maxAttempts: c.maxAttempts,
    timeoutMs: c.timeoutMs,
    ...orderAwareOf(c),
    templateId: c.templateId,
    templateVersion: c.templateVersion,
    email: c.email,
    outputSchema: c.outputSchema ?? null,
  };
}

/** A revision's order-aware settings, with the defaults for revisions that predate them. */
export function orderAwareOf(c: TriggerConfig): Required<Pick<TriggerConfig, 'ordering' | 'orderingMaxWaitSeconds' | 'orderingMaxQueued' | 'outOfOrder'>> {
  return {
    ordering: c.ordering ?? 'none',
    orderingMaxWaitSeconds: c.orderingMaxWaitSeconds ?? 3600,
    orderingMaxQueued: c.orderingMaxQueued ?? 50,
    outOfOrder: c.outOfOrder ?? 'deliver',
  };
}

/**
 * What changed from one revision to the next, field by field, in a fixed order. Event types
 * compare as sets, headers by name and value whatever their order; a field missing from an older
 * revision counts as null.
 */
export function diffConfigs(previousConfig: TriggerConfig | undefined, nextConfig: TriggerConfig): ConfigChange[] {
  // A revision from before the order-aware settings had their defaults: not a change.
  const previous = previousConfig && { ...previousConfig, ...orderAwareOf(previousConfig) };
  const next = { ...nextConfig, ...orderAwareOf(nextConfig) };
  const changes: ConfigChange[] = [];
  for (const field of FIELDS) {
    const from = previous ? (previous[field] ?? null) : null;
    const to = next[field] ?? null;
    if (!sameValue(field, from, to)) changes.push({ field, from, to });
  }
  return changes;
}

function sameValue(field: keyof TriggerConfig, a: unknown, b: unknown): boolean {
  if (field === 'eventTypes' && Array.isArray(a) && Array.isArray(b)) {
    const sorted = (v: unknown[]) => v.map(String).sort().join('\n');
    return sorted(a) === sorted(b);
  }
  return canonicalJson(a) === canonicalJson(b);
}
