import { availableParallelism } from 'node:os';
import { Script } from 'node:vm';
import type { LifecycleAnnotation, TemplateFormat } from '@postback/contracts';
import { Eta } from 'eta';
import { RenderPool } from './render-pool';
import { TemplateError } from './template-errors';

/**
 * `json`, `xml` and `form` for payloads (JSON checked to be valid, XML to be well-formed, a form
 * encoded from the JSON object the template renders); `html` for email bodies (`<%= %>`
 * HTML-escapes); `text` for plain text such as email subjects.
 */
export type { TemplateFormat };

export interface TemplateSource {
  body: string;
  format: TemplateFormat;
}

/** Extra values a template can read as `meta` (delivery id, attempt, trigger, test flag, lifecycle). */
export interface RenderMeta {
  deliveryId?: string;
  attempt?: number;
  trigger?: { id: string; name: string };
  customer?: { id: string };
  test?: boolean;
  /** Only for a trigger whose out-of-order policy is `annotate`: `{ previous, outOfOrder, stale }`. */
  lifecycle?: LifecycleAnnotation;
}

/**
 * The `meta` of a postback: what live delivery, test-fire and a trigger's preview all give the
 * template, built in one place so that they cannot drift apart.
 */
export function postbackMeta(delivery: {
  deliveryId: string;
  attempt: number;
  test: boolean;
  trigger: { id: string; name: string; customerId: string };
  lifecycle?: LifecycleAnnotation;
}): RenderMeta {
  const meta: RenderMeta = {
    deliveryId: delivery.deliveryId,
    attempt: delivery.attempt,
    trigger: { id: delivery.trigger.id, name: delivery.trigger.name },
    customer: { id: delivery.trigger.customerId },
    test: delivery.test,
  };
  // Absent unless the job carries it: no key, so other templates' meta stays as it was.
  if (delivery.lifecycle) meta.lifecycle = delivery.lifecycle;
  return meta;
}

/**
 * An input given as the JSON text it arrived in, parsed only inside the render worker: the
 * delivery service renders a job's event from the job record's text (`pick: 'event'`) instead of
 * serializing the event it already parsed once more on its main thread. The template sees the same
 * value either way (JSON text parses to the same value it was written from), except for a number
 * JSON cannot write, such as `1e400`: Infinity here, null once a value holding it is serialized.
 */
export class JsonText {
  constructor(
    readonly text: string,
    /** The top-level field of the parsed value to render over; the whole value when absent. */
    readonly pick?: string,
  ) {}
}

export interface RenderResult {
  /** What is sent, byte for byte (as UTF-8): for a form, the encoded fields. */
  output: string;
  contentType: string;
  bytes: number;
  /** For a form: the JSON object the template rendered, which `output` encodes (an output schema checks this). */
  document?: string;
}

export interface TemplateRendererOptions {
  /** A render running longer than this is stopped and fails (default 100 ms). */
  timeoutMs?: number;
  /** Largest accepted output in bytes (default 1 MiB). */
  maxOutputBytes?: number;
  /** Largest accepted template body in characters (default 64 KiB). */
  maxBodyChars?: number;
  /** How many compiled templates to keep, in the main thread and in each worker (default 1000). */
  cacheSize?: number;
  /** Render workers (default: 2, or 1 on a single core). */
  workers?: number;
  /** Heap limit of each render worker in MiB (default 128). */
  workerHeapMb?: number;
  /** How long a template that hung or ran out of memory fails fast (default 30 s). */
  quarantineMs?: number;
}

interface CompiledSource {
  key: string;
  format: TemplateFormat;
  source: string;
}

const FORMATS: Record<TemplateFormat, { contentType: string; escape: string }> = {
  // In JSON templates `<%= x %>` writes x as the content of a JSON string (so `"<%= x %>"` is
  // always valid); `<%~ json(x) %>` writes any value as a JSON literal.
  json: { contentType: 'application/json', escape: '__helpers.escapeJsonString' },
  // In XML templates `<%= x %>` escapes for XML text and attribute values, as `<%~ xml(x) %>` does;
  // the output must be well-formed XML.
  xml: { contentType: 'application/xml; charset=utf-8', escape: '__helpers.xml' },
  // A form template writes a JSON object (escaping as in JSON templates), sent encoded as
  // application/x-www-form-urlencoded (see encodeForm in sandbox-source.ts).
  form: { contentType: 'application/x-www-form-urlencoded', escape: '__helpers.escapeJsonString' },
  html: { contentType: 'text/html; charset=utf-8', escape: '__helpers.escapeHtml' },
  text: { contentType: 'text/plain; charset=utf-8', escape: '__helpers.identity' },
};

/**
 * The one render path: preview, test-fire and live delivery all call `render()`, so what an
 * operator previews is byte for byte what is sent. Templates are Eta, translated once per body
 * into a JavaScript function (syntax checked here, without running it) and run in sandboxed
 * render workers (see render-pool.ts and sandbox-source.ts).
 */
export class TemplateRenderer {
  private readonly eta = new Eta({ autoEscape: true, autoTrim: false, debug: true, cache: false, useWith: false, varName: 'it' });
  private readonly cache = new Map<string, Map<string, CompiledSource>>();
  private readonly pool: RenderPool;
  private readonly maxOutputBytes: number;
  private readonly maxBodyChars: number;
  private readonly cacheSize: number;
  private seq = 0;

  constructor(options: TemplateRendererOptions = {}) {
    this.maxOutputBytes = options.maxOutputBytes ?? 1024 * 1024;
    this.maxBodyChars = options.maxBodyChars ?? 64 * 1024;
    this.cacheSize = options.cacheSize ?? 1000;
    this.pool = new RenderPool({
      workers: options.workers ?? Math.min(2, availableParallelism()),
      timeoutMs: options.timeoutMs ?? 100,
      workerHeapMb: options.workerHeapMb ?? 128,
      cacheSize: this.cacheSize,
      quarantineMs: options.quarantineMs ?? 30_000,
    });
  }

  /** Checks a template without running it. Throws TemplateError naming the line of a syntax error. */
  compile(source: TemplateSource): void {
    this.compiled(source);
  }

  /**
   * Renders `input` (the event, or any JSON value, or `JsonText` holding it) and checks the output
   * against the format.
   */
  async render(source: TemplateSource, input: unknown, meta: RenderMeta = {}): Promise<RenderResult> {
    const compiled = this.compiled(source);
    let inputJson: string;
    let pick = '';
    if (input instanceof JsonText) {
      inputJson = input.text;
      pick = input.pick ?? '';
    } else {
      try {
        inputJson = JSON.stringify(input ?? null);
      } catch (e) {
        throw new TemplateError('TEMPLATE_RUNTIME', `input is not serializable as JSON: ${(e as Error).message}`);
      }
    }
    const { output, bytes, document } = await this.pool.render({
      key: compiled.key,
      source: compiled.source,
      format: compiled.format,
      input: inputJson,
      pick,
      meta: JSON.stringify(meta),
      maxOutputBytes: this.maxOutputBytes,
    });
    const contentType = FORMATS[compiled.format].contentType;
    return document === undefined ? { output, bytes, contentType } : { output, bytes, contentType, document };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Nest lifecycle hook, when the renderer is a provider. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private compiled(source: TemplateSource): CompiledSource {
    // Keyed by format, then by the body itself: a trigger's cached body is the same string every
    // time, so its hash is computed once (a concatenated key would be hashed on every render).
    let byBody = this.cache.get(source.format);
    if (!byBody) this.cache.set(source.format, (byBody = new Map<string, CompiledSource>()));
    const hit = byBody.get(source.body);
    if (hit) {
      byBody.delete(source.body);
      byBody.set(source.body, hit);
      return hit;
    }
    const compiled = this.translate(source);
    byBody.set(source.body, compiled);
    if (byBody.size > this.cacheSize) byBody.delete(byBody.keys().next().value as string);
    return compiled;
  }

  private translate(source: TemplateSource): CompiledSource {
    const format = FORMATS[source.format];
    if (!format) throw new TemplateError('TEMPLATE_SYNTAX', `unknown template format "${String(source.format)}"`);
    if (typeof source.body !== 'string') throw new TemplateError('TEMPLATE_SYNTAX', 'template body must be a string');
    if (source.body.length > this.maxBodyChars) {
      throw new TemplateError('TEMPLATE_TOO_LARGE', `template is ${source.body.length} characters, more than the limit of ${this.maxBodyChars}`);
    }
    let body: string;
    try {
      // Eta writes one statement per line without semicolons; a code block starting with "(" or
      // "[" would then continue the previous line. A leading ";" in every code block prevents it.
      const ast = this.eta.parse(source.body).map((node) => (typeof node === 'object' && node.t === 'e' ? { ...node, val: `;${node.val}` } : node));
      body = this.eta.compileBody(ast);
    } catch (e) {
      const message = (e as Error).message;
      const m = /at line (\d+) col (\d+)/.exec(message);
      const reason = (message.split(' at line ')[0] ?? 'bad template syntax').trim();
      throw new TemplateError('TEMPLATE_SYNTAX', reason, m ? Number(m[1]) : undefined, m ? Number(m[2]) : undefined);
    }
    const header = [
      '(function (it, meta) {',
      '"use strict";',
      'const { json, xml, get, string, number, boolean, upper, lower, trim, date, join } = __helpers;',
      `let __eta = { res: "", e: ${format.escape}, f: __helpers.identity, line: 0 };`,
      'try {',
    ];
    const fnSource = [...header, body, '} catch (e) { throw __helpers.fail(e, __eta.line); }', 'return __eta.res;', '})'].join('\n');
    try {
      // Parses only; nothing runs here. The workers evaluate the same text in their sandbox.
      new Script(fnSource, { filename: 'template' });
    } catch (e) {
      throw new TemplateError('TEMPLATE_SYNTAX', (e as Error).message, templateLineOf(e as Error, fnSource, header.length));
    }
    this.seq++;
    return { key: `t${this.seq}`, format: source.format, source: fnSource };
  }
}

/** Maps a line of the generated function back to the template line, via Eta's `__eta.line=N` markers. */
function templateLineOf(error: Error, generated: string, headerLines: number): number | undefined {
  const m = /^template:(\d+)/.exec(error.stack ?? '');
  if (!m) return undefined;
  const genLine = Number(m[1]);
  const lines = generated.split('\n');
  for (let i = genLine - 1; i >= headerLines; i--) {
    const marker = /^__eta\.line=(\d+)$/.exec(lines[i] ?? '');
    if (marker) return Number(marker[1]) + (genLine - 1 - i - 1);
  }
  return 1;
}
