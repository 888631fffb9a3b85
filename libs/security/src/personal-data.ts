/**
 * Personal data in stored order events, named by paths (`data.shippingAddress`,
 * `data.customer.email`, `data.items.*.name`): masked wherever a person reads stored data, never in
 * the postback itself. Two tools: `maskPaths` masks the event (the values at the paths, whole
 * subtrees included), and `PersonalDataMask.text` masks text derived from the event (a rendered
 * body, a receiver's response, an error message) by the values found at those paths, in any
 * format the text is in (JSON-escaped, form-encoded, XML-escaped or plain).
 */
export const MASKED = '***';

/** Segments: a key of letters, digits, `_` or `-`, or `*` for any key or array element. */
export const PII_PATH_PATTERN = /^(?:[A-Za-z0-9_-]+|\*)(?:\.(?:[A-Za-z0-9_-]+|\*)){0,15}$/;

/** Values shorter than this are not masked in text (they would mask unrelated digits and letters); the event masks them by path. */
const MIN_TEXT_VALUE = 3;

export function maskPaths<T>(value: T, paths: readonly string[]): T {
  if (paths.length === 0 || value === null || typeof value !== 'object') return value;
  const copy = structuredClone(value);
  for (const path of paths) maskAt(copy, path.split('.'), 0);
  return copy;
}

function maskAt(node: unknown, segments: string[], i: number): void {
  if (node === null || typeof node !== 'object') return;
  const container = node as Record<string, unknown>;
  const keys = segments[i] === '*' ? Object.keys(container) : Object.prototype.hasOwnProperty.call(container, segments[i]) ? [segments[i]] : [];
  for (const key of keys) {
    if (i === segments.length - 1) container[key] = masked(container[key]);
    else maskAt(container[key], segments, i + 1);
  }
}

/** A subtree keeps its shape (keys, array lengths) with every leaf masked: readers still see what was there. */
function masked(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v.map(masked);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, masked(x)]));
  return MASKED;
}

/** The leaf values (strings, numbers) at the paths. */
export function valuesAt(value: unknown, paths: readonly string[]): string[] {
  const found = new Set<string>();
  const collect = (v: unknown): void => {
    if (v === null || v === undefined) return;
    if (typeof v === 'object') return Object.values(v).forEach(collect);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') found.add(String(v));
  };
  const walk = (node: unknown, segments: string[], i: number): void => {
    if (node === null || typeof node !== 'object') return;
    const container = node as Record<string, unknown>;
    const keys = segments[i] === '*' ? Object.keys(container) : Object.prototype.hasOwnProperty.call(container, segments[i]) ? [segments[i]] : [];
    for (const key of keys) {
      if (i === segments.length - 1) collect(container[key]);
      else walk(container[key], segments, i + 1);
    }
  };
  for (const path of paths) walk(value, path.split('.'), 0);
  return [...found];
}

/** Masks text by the personal values of one event. */
export class PersonalDataMask {
  private readonly needles: string[];

  constructor(values: readonly string[]) {
    const forms = new Set<string>();
    for (const v of values) {
      if (v.length < MIN_TEXT_VALUE) continue;
      forms.add(v);
      forms.add(JSON.stringify(v).slice(1, -1));
      forms.add(encodeURIComponent(v));
      forms.add(new URLSearchParams({ v }).toString().slice(2));
      forms.add(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
    }
    // Longest first: a value that contains another is masked whole.
    this.needles = [...forms].filter((f) => f.length >= MIN_TEXT_VALUE).sort((a, b) => b.length - a.length);
  }

  static of(event: unknown, paths: readonly string[]): PersonalDataMask {
    return new PersonalDataMask(valuesAt(event, paths));
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(text: string): string;
  text(text: string | null): string | null;
  text(text: string | null): string | null {
    if (text === null || this.needles.length === 0) return text;
    let out = text;
    for (const n of this.needles) if (out.includes(n)) out = out.split(n).join(MASKED);
    return out;
  }

  record(values: Record<string, string> | null): Record<string, string> | null {
    if (!values || this.needles.length === 0) return values;
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, this.text(v)]));
  }
}
