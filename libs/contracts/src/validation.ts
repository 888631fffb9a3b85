/** A single problem found while validating a message, addressed by a dotted path. */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ISO-8601 date-time with an explicit offset (Z or ±hh:mm), as RFC 3339 requires. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/** Collects issues while walking a message; keeps validators short and their messages uniform. */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  string(obj: Record<string, unknown>, key: string, path: string, opts: { min?: number; max: number; optional?: boolean }): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (!opts.optional) this.add(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(path, `must be a string, got ${describe(value)}`);
      return undefined;
    }
    if (value.length < (opts.min ?? 1)) this.add(path, opts.min && opts.min > 1 ? `must be at least ${opts.min} characters` : 'must not be empty');
    else if (value.length > opts.max) this.add(path, `must be at most ${opts.max} characters`);
    else return value;
    return undefined;
  }

  integer(obj: Record<string, unknown>, key: string, path: string, opts: { min: number; max: number; optional?: boolean }): number | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (!opts.optional) this.add(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(path, `must be an integer, got ${describe(value)}`);
      return undefined;
    }
    if (value < opts.min || value > opts.max) {
      this.add(path, `must be between ${opts.min} and ${opts.max}`);
      return undefined;
    }
    return value;
  }

  dateTime(obj: Record<string, unknown>, key: string, path: string, opts: { optional?: boolean } = {}): string | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (!opts.optional) this.add(path, 'is required');
      return undefined;
    }
    if (!isIsoDateTime(value)) {
      this.add(path, 'must be an ISO-8601 date-time with a time zone, e.g. 2026-05-01T12:00:00Z');
      return undefined;
    }
    return value;
  }

  object(obj: Record<string, unknown>, key: string, path: string, opts: { optional?: boolean } = {}): Record<string, unknown> | undefined {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (!opts.optional) this.add(path, 'is required');
      return undefined;
    }
    if (!isPlainObject(value)) {
      this.add(path, `must be an object, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  result<T>(value: T): Validated<T> {
    return this.issues.length === 0 ? { ok: true, value } : { ok: false, issues: this.issues };
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
