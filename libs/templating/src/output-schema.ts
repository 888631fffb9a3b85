import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TemplateFormat } from '@postback/contracts';

/** One way a rendered payload breaks its trigger's JSON Schema: where (a JSON pointer into the output) and why. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** At most this many issues are reported for one payload. */
export const MAX_SCHEMA_ISSUES = 20;

/**
 * A customer's output contract: a JSON Schema (draft 2020-12) that a trigger's rendered payload
 * must meet. Compiled schemas are cached by their text; nothing is fetched (no remote `$ref`).
 */
export class OutputSchemas {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly byObject = new WeakMap<object, ValidateFunction>();

  constructor(private readonly cacheSize = 500) {
    addFormats(this.ajv);
  }

  /** Why a schema cannot be used, or undefined when it compiles. */
  problem(schema: unknown): string | undefined {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'must be a JSON Schema object';
    try {
      this.validator(schema);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }

  /** The issues of a rendered JSON payload against a schema; empty when it conforms. */
  check(schema: object, output: string): SchemaIssue[] {
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch (e) {
      return [{ path: '', message: `the output is not JSON: ${(e as Error).message}` }];
    }
    const validate = this.validator(schema);
    if (validate(value)) return [];
    return formatSchemaIssues(validate.errors ?? []);
  }

  private validator(schema: object): ValidateFunction {
    // A trigger snapshot's schema is the same object for every delivery of its revision: look it
    // up by identity first, so the per-delivery check serialises nothing.
    const known = this.byObject.get(schema);
    if (known) return known;
    const key = JSON.stringify(schema);
    const hit = this.compiled.get(key);
    if (hit) {
      this.byObject.set(schema, hit);
      return hit;
    }
    const validate = this.ajv.compile(schema);
    // The schema's own `$id` would clash on a second compile of an edited schema: forget it.
    const id = (schema as { $id?: unknown }).$id;
    if (typeof id === 'string') this.ajv.removeSchema(id);
    if (this.compiled.size >= this.cacheSize) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(key, validate);
    this.byObject.set(schema, validate);
    return validate;
  }
}

/** Ajv's errors as `{ path, message }`, the path a JSON pointer ('' for the whole payload), at most MAX_SCHEMA_ISSUES. */
export function formatSchemaIssues(errors: readonly ErrorObject[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const e of errors) {
    let path = e.instancePath;
    let message = e.message ?? 'is not allowed';
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      path = `${path}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      path = `${path}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = 'is not allowed by the schema';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    }
    if (!issues.some((i) => i.path === path && i.message === message)) issues.push({ path, message });
    if (issues.length >= MAX_SCHEMA_ISSUES) break;
  }
  return issues;
}

/** Issues as one line for logs and attempt errors: `/order/id must be string; /total is required`. */
export function describeSchemaIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((i) => `${i.path || '(the payload)'} ${i.message}`).join('; ');
}

/**
 * The JSON text a trigger's output schema is checked against, by template format: a JSON
 * payload itself; for a form, the JSON object the template rendered (before it was encoded: the
 * schema sees its numbers and booleans as such); nothing for XML, HTML and text, which a JSON
 * Schema does not describe (see outputSchemaNotChecked).
 */
export function outputSchemaSubject(format: TemplateFormat, rendered: { output: string; document?: string }): string | undefined {
  if (format === 'json') return rendered.output;
  if (format === 'form') return rendered.document;
  return undefined;
}

/** Why a trigger's output schema was not applied to a payload of this format. */
export function outputSchemaNotChecked(format: TemplateFormat): string | undefined {
  return format === 'json' || format === 'form'
    ? undefined
    : `the output schema is a JSON Schema: ${format} payloads are not checked against it (JSON payloads, and the JSON object of a form template, are)`;
}
