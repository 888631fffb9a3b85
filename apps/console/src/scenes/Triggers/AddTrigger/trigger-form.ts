import type { FieldError, Schemas } from '../../../api/client';
import type { OrderEventType, Trigger } from '../../../api/queries';

export interface HeaderRow {
  name: string;
  value: string;
}

/** What the Add Trigger steps collect, as the form holds it (text where the API wants lists). */
export interface TriggerForm {
  name: string;
  eventTypes: OrderEventType[];
  channel: 'http' | 'email';
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  retryOnFailure: boolean;
  maxAttempts: string;
  timeoutMs: string;
  /** Per-order sequence, and when a blocked order gives up waiting (text, blank for the default). */
  ordering: 'none' | 'per-order';
  orderingMaxWaitSeconds: string;
  orderingMaxQueued: string;
  /** Stale or backwards events of an order: deliver, skip or annotate. */
  outOfOrder: 'deliver' | 'skip' | 'annotate';
  headers: HeaderRow[];
  emailTo: string;
  emailCc: string;
  emailBcc: string;
  subject: string;
  templateId: string;
  /** A pinned template version, kept as it is unless the template changes (null follows the latest). */
  templateVersion: number | null;
}

export const EMPTY_FORM: TriggerForm = {
  name: '',
  eventTypes: [],
  channel: 'http',
  url: '',
  method: 'POST',
  retryOnFailure: true,
  maxAttempts: '',
  timeoutMs: '',
  ordering: 'none',
  orderingMaxWaitSeconds: '',
  orderingMaxQueued: '',
  outOfOrder: 'deliver',
  headers: [],
  emailTo: '',
  emailCc: '',
  emailBcc: '',
  subject: 'Order <%= it.data.reference %>: <%= it.type %>',
  templateId: '',
  templateVersion: null,
};

export function formOf(t: Trigger): TriggerForm {
  return {
    name: t.name,
    eventTypes: t.eventTypes,
    channel: t.channel,
    url: t.url ?? '',
    method: t.method,
    retryOnFailure: t.retryOnFailure,
    maxAttempts: String(t.maxAttempts),
    timeoutMs: String(t.timeoutMs),
    ordering: t.ordering,
    orderingMaxWaitSeconds: String(t.orderingMaxWaitSeconds),
    orderingMaxQueued: String(t.orderingMaxQueued),
    outOfOrder: t.outOfOrder,
    headers: Object.entries(t.headers).map(([name, value]) => ({ name, value })),
    emailTo: t.email?.to.join(', ') ?? '',
    emailCc: t.email?.cc?.join(', ') ?? '',
    emailBcc: t.email?.bcc?.join(', ') ?? '',
    subject: t.email?.subject ?? EMPTY_FORM.subject,
    templateId: t.templateId,
    templateVersion: t.templateVersion,
  };
}

const list = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The request body to create a trigger. */
export function requestOf(form: TriggerForm): Schemas['CreateTriggerDto'] {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const common = {
    name: form.name.trim(),
    eventTypes: form.eventTypes,
    retryOnFailure: form.retryOnFailure,
    ...(number(form.maxAttempts) !== undefined ? { maxAttempts: number(form.maxAttempts) } : {}),
    ...(number(form.timeoutMs) !== undefined ? { timeoutMs: number(form.timeoutMs) } : {}),
    ordering: form.ordering,
    outOfOrder: form.outOfOrder,
    ...(number(form.orderingMaxWaitSeconds) !== undefined ? { orderingMaxWaitSeconds: number(form.orderingMaxWaitSeconds) } : {}),
    ...(number(form.orderingMaxQueued) !== undefined ? { orderingMaxQueued: number(form.orderingMaxQueued) } : {}),
    templateId: form.templateId,
  };
  if (form.channel === 'email') {
    return {
      ...common,
      channel: 'email',
      email: {
        to: list(form.emailTo),
        ...(list(form.emailCc).length ? { cc: list(form.emailCc) } : {}),
        ...(list(form.emailBcc).length ? { bcc: list(form.emailBcc) } : {}),
        subject: form.subject,
      },
    };
  }
  return {
    ...common,
    channel: 'http',
    url: form.url.trim(),
    method: form.method,
    format: 'json',
    headers: Object.fromEntries(form.headers.filter((h) => h.name.trim()).map((h) => [h.name.trim(), h.value])),
  };
}

/**
 * The request body to save changes: only the fields that differ from what was saved last, so that
 * an untouched template keeps its pinned version (sending templateId again would unpin it).
 */
export function changesOf(form: TriggerForm, saved: TriggerForm): Schemas['UpdateTriggerDto'] {
  const now = requestOf(form) as Record<string, unknown>;
  const before = requestOf(saved) as Record<string, unknown>;
  const out: Schemas['UpdateTriggerDto'] & Record<string, unknown> = {};
  for (const [k, v] of Object.entries(now)) {
    if (k === 'channel') continue;
    if (JSON.stringify(v) !== JSON.stringify(before[k])) out[k] = v;
  }
  if (form.templateId !== saved.templateId) out.templateVersion = null;
  return out;
}

export const STEP_LABELS = ['Name', 'Events', 'Delivery method', 'Template', 'Test', 'Save and activate'];

/** Fields each form step shows next to its controls. */
const STEP_FIELDS: Array<(field: string) => boolean> = [
  (f) => f === 'name',
  (f) => f.startsWith('eventTypes'),
  (f) =>
    [
      'url',
      'method',
      'format',
      'retryOnFailure',
      'maxAttempts',
      'timeoutMs',
      'channel',
      'ordering',
      'orderingMaxWaitSeconds',
      'orderingMaxQueued',
      'outOfOrder',
    ].includes(f) ||
    f.startsWith('headers') ||
    f.startsWith('email'),
  (f) => f.startsWith('template'),
];

/** Which step owns an API field error (undefined: none shows it, the banner does). */
export function stepOfField(field: string): number | undefined {
  const step = STEP_FIELDS.findIndex((owns) => owns(field));
  return step < 0 ? undefined : step;
}

/** The problems that keep a step from being complete, checked before moving on. */
export function stepProblems(step: number, form: TriggerForm): FieldError[] {
  const out: FieldError[] = [];
  if (step === 0 && !form.name.trim()) out.push({ field: 'name', message: 'Give the trigger a name.' });
  if (step === 1 && form.eventTypes.length === 0) out.push({ field: 'eventTypes', message: 'Choose at least one event.' });
  if (step === 2) {
    if (form.channel === 'http' && !form.url.trim()) out.push({ field: 'url', message: 'Enter the URL to send postbacks to.' });
    if (form.channel === 'email' && list(form.emailTo).length === 0) out.push({ field: 'email.to', message: 'Enter at least one recipient.' });
    if (form.channel === 'email' && !form.subject.trim()) out.push({ field: 'email.subject', message: 'Enter a subject.' });
    form.headers.forEach((h, i) => {
      if (!h.name.trim() && h.value) out.push({ field: `headers.${i}`, message: 'A header needs a name.' });
    });
  }
  if (step === 3 && !form.templateId) out.push({ field: 'templateId', message: 'Choose a template, or create one.' });
  return out;
}
