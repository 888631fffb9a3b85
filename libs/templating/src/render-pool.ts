import { Worker } from 'node:worker_threads';
import { CONTEXT_SOURCE, WORKER_SOURCE } from './sandbox-source';
import { TemplateError, TemplateErrorCode } from './template-errors';
import { packFields, REQUEST_FIELDS, RESULT_FIELDS, unpackFields } from './render-wire';

const XML_VALIDATOR_PATH = require.resolve('fast-xml-parser');

export interface RenderRequest {
  key: string;
  source: string;
  format: string;
  /** JSON text. */
  input: string;
  /** The top-level field of `input` to render over ('' for all of it). */
  pick: string;
  meta: string;
  maxOutputBytes: number;
}

type WireRequest = RenderRequest & { id: number };
interface WireResult {
  id: number;
  /** '' when it rendered; NEED_SOURCE when the worker no longer holds the compiled template. */
  code: TemplateErrorCode | 'NEED_SOURCE' | '';
  line: number;
  message: string;
  output: string;
  bytes: number;
  /** For a form: the JSON object the template rendered, which `output` is encoded from; '' otherwise. */
  document: string;
}

/** What a render produced: the output (the bytes to send, as text), its size, and a form's JSON object. */
export interface RenderOutput {
  output: string;
  bytes: number;
  document?: string;
}

interface Pending {
  request: WireRequest;
  /** Set once the request overran the timeout: it runs once more, on a fresh worker, with a longer limit. */
  retried?: boolean;
  resolve: (r: RenderOutput) => void;
  reject: (e: TemplateError) => void;
}

export interface RenderPoolOptions {
  workers: number;
  timeoutMs: number;
  /** Heap limit of each worker, in MiB. */
  workerHeapMb: number;
  cacheSize: number;
  /** How long a template that hung or exhausted a worker fails fast without being run again. */
  quarantineMs: number;
}

class RenderWorker {
  readonly progress = new Int32Array(new SharedArrayBuffer(8));
  readonly inFlight = new Map<number, Pending>();
  /** Template keys whose source this worker has been sent (it may have evicted some since). */
  private readonly known = new Set<string>();
  worker: Worker;
  lastCompleted = 0;
  lastProgressAt = Date.now();
  dead = false;

  private readonly cacheSize: number;

  constructor(
    options: RenderPoolOptions,
    private readonly onResults: (self: RenderWorker, results: WireResult[]) => void,
    private readonly onDeath: (self: RenderWorker, reason: 'crash' | 'memory', detail: string) => void,
  ) {
    this.cacheSize = options.cacheSize;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        progress: this.progress.buffer,
        contextSource: CONTEXT_SOURCE,
        cacheSize: options.cacheSize,
        requestFields: REQUEST_FIELDS,
        // XML output is checked in the worker with fast-xml-parser, required by absolute path.
        xmlValidatorPath: XML_VALIDATOR_PATH,
      },
      resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on('message', (wire: string) => this.onResults(this, decodeResults(wire)));
    this.worker.on('error', (err: NodeJS.ErrnoException) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.die(memory ? 'memory' : 'crash', err.message);
    });
    this.worker.on('exit', (code) => this.die('crash', `render worker exited with code ${code}`));
  }

  send(batch: Pending[]): void {
    if (this.inFlight.size === 0) this.lastProgressAt = Date.now();
    if (this.known.size > 2 * this.cacheSize) this.known.clear();
    const parts: string[] = [];
    for (const p of batch) {
      const r = p.request;
      this.inFlight.set(r.id, p);
      const source = this.known.has(r.key) ? '' : r.source;
      this.known.add(r.key);
      packFields([r.id, r.key, r.format, r.maxOutputBytes, r.input, r.meta, source, r.pick], parts);
    }
    this.worker.postMessage(parts.join(''));
  }

  /** The worker answered NEED_SOURCE for this key: send the source with it next time. */
  forget(key: string): void {
    this.known.delete(key);
  }

  /** Id of the request the worker is rendering right now (0 when idle). */
  current(): number {
    return Atomics.load(this.progress, 0);
  }

  completed(): number {
    return Atomics.load(this.progress, 1);
  }

  die(reason: 'crash' | 'memory', detail: string): void {
    if (this.dead) return;
    this.dead = true;
    this.onDeath(this, reason, detail);
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/**
 * A small pool of render workers. Requests issued in the same tick travel to a worker as one
 * message. A watchdog stops a worker whose current render has made no progress for `timeoutMs`;
 * the worker is replaced and the requests it held are sent again. The render that overran gets one
 * more try on a fresh worker with a longer limit (`confirmTimeoutMs`), so that a stall of the
 * machine (a loaded CPU, a GC pause) does not fail a sound template; only if it overruns again does
 * it fail with TEMPLATE_TIMEOUT, and its template is quarantined for a while. Time during which the
 * watchdog itself could not run (the main thread stalled) is not held against a render. A worker
 * that runs out of memory fails its render with TEMPLATE_TOO_LARGE (and quarantines it) at once.
 */
export class RenderPool {
  private readonly workers: RenderWorker[] = [];
  private readonly queue: Pending[] = [];
  private readonly quarantine = new Map<string, { until: number; code: TemplateErrorCode; message: string }>();
  private nextId = 1;
  private flushScheduled = false;
  private roundRobin = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private lastCheckAt = 0;
  private closed = false;
  private readonly confirmTimeoutMs: number;

  constructor(private readonly options: RenderPoolOptions) {
    this.confirmTimeoutMs = Math.max(1000, 10 * options.timeoutMs);
  }

  render(request: RenderRequest): Promise<RenderOutput> {
    if (this.closed) return Promise.reject(new TemplateError('TEMPLATE_RUNTIME', 'the renderer is shut down'));
    const q = this.quarantine.get(request.key);
    if (q && q.until > Date.now()) return Promise.reject(new TemplateError(q.code, `${q.message} (template quarantined, not run again yet)`));
    return new Promise((resolve, reject) => {
      const id = this.nextId;
      this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
      this.queue.push({ request: { ...request, id }, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Requests made until the event loop turns go to a worker as one batch. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    const workers = this.workers.splice(0);
    for (const w of workers) for (const p of w.inFlight.values()) p.reject(new TemplateError('TEMPLATE_RUNTIME', 'the renderer is shut down'));
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0 || this.closed) return;
    // Shared among the workers, so that they render side by side and the results of one come
    // back while another is still at work.
    const share = Math.ceil(this.queue.length / this.options.workers);
    while (this.queue.length > 0) this.pickWorker().send(this.queue.splice(0, share));
    this.ensureWatchdog();
  }

  private pickWorker(): RenderWorker {
    while (this.workers.length < this.options.workers) {
      this.workers.push(
        new RenderWorker(
          this.options,
          (w, r) => this.onResults(w, r),
          (w, reason, detail) => this.onDeath(w, reason, detail),
        ),
      );
    }
    // The least loaded worker; round robin among equals.
    let best: RenderWorker | undefined;
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[(this.roundRobin + i) % this.workers.length];
      if (!best || w.inFlight.size < best.inFlight.size) best = w;
    }
    this.roundRobin++;
    return best as RenderWorker;
  }

  private onResults(worker: RenderWorker, results: WireResult[]): void {
    worker.lastProgressAt = Date.now();
    worker.lastCompleted = worker.completed();
    let resend = false;
    for (const r of results) {
      const p = worker.inFlight.get(r.id);
      if (!p) continue;
      worker.inFlight.delete(r.id);
      if (r.code === '') p.resolve(r.document ? { output: r.output, bytes: r.bytes, document: r.document } : { output: r.output, bytes: r.bytes });
      else if (r.code === 'NEED_SOURCE') {
        worker.forget(p.request.key);
        this.queue.push(p);
        resend = true;
      } else p.reject(new TemplateError(r.code, r.message, r.line || undefined, undefined, r.output || undefined));
    }
    if (resend) this.scheduleFlush();
  }

  private onDeath(worker: RenderWorker, reason: 'crash' | 'memory', detail: string): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    const culprit = worker.inFlight.get(worker.current());
    const others = [...worker.inFlight.values()].filter((p) => p !== culprit);
    worker.inFlight.clear();
    if (culprit) {
      const code: TemplateErrorCode = reason === 'memory' ? 'TEMPLATE_TOO_LARGE' : 'TEMPLATE_RUNTIME';
      const message = reason === 'memory' ? `rendering used more than ${this.options.workerHeapMb} MiB of memory and was stopped` : detail;
      this.quarantine.set(culprit.request.key, { until: Date.now() + this.options.quarantineMs, code, message });
      culprit.reject(new TemplateError(code, message));
    }
    if (!this.closed && culprit && others.length > 0) {
      this.queue.push(...others);
      this.flush();
    } else {
      // Without a culprit the worker itself failed: fail what it held rather than loop on respawns.
      const why = this.closed ? 'the renderer is shut down' : `render worker failed: ${detail}`;
      for (const p of others) p.reject(new TemplateError('TEMPLATE_RUNTIME', why));
    }
  }

  private ensureWatchdog(): void {
    if (this.watchdog) return;
    const interval = Math.max(5, Math.floor(this.options.timeoutMs / 4));
    this.lastCheckAt = Date.now();
    this.watchdog = setInterval(() => this.checkWorkers(), interval);
    this.watchdog.unref();
  }

  private checkWorkers(): void {
    const now = Date.now();
    // The watchdog ran late: the main thread was stalled, and so, probably, was everything else.
    const stalled = now - this.lastCheckAt > this.options.timeoutMs;
    this.lastCheckAt = now;
    let busy = false;
    for (const w of [...this.workers]) {
      if (w.inFlight.size === 0) continue;
      busy = true;
      const completed = w.completed();
      const current = w.current();
      // Progress, a stall of our own, or a worker not rendering yet (starting up, or between messages).
      if (completed !== w.lastCompleted || stalled || current === 0) {
        w.lastCompleted = completed;
        w.lastProgressAt = now;
        continue;
      }
      const culprit = w.inFlight.get(current);
      if (now - w.lastProgressAt <= (culprit?.retried ? this.confirmTimeoutMs : this.options.timeoutMs)) continue;
      if (culprit) {
        w.inFlight.delete(current);
        if (culprit.retried) {
          const message = `rendering took longer than ${this.options.timeoutMs} ms, and ${this.confirmTimeoutMs} ms on a second try, and was stopped`;
          this.quarantine.set(culprit.request.key, { until: now + this.options.quarantineMs, code: 'TEMPLATE_TIMEOUT', message });
          culprit.reject(new TemplateError('TEMPLATE_TIMEOUT', message));
        } else {
          culprit.retried = true;
          this.queue.push(culprit);
        }
      }
      w.dead = true;
      this.workers.splice(this.workers.indexOf(w), 1);
      const others = [...w.inFlight.values()];
      w.inFlight.clear();
      void w.worker.terminate();
      this.queue.push(...others);
      if (this.queue.length > 0) this.flush();
    }
    if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
    for (const [key, q] of this.quarantine) if (q.until <= now) this.quarantine.delete(key);
  }
}

function decodeResults(wire: string): WireResult[] {
  const f = unpackFields(wire);
  const results: WireResult[] = [];
  for (let i = 0; i + RESULT_FIELDS <= f.length; i += RESULT_FIELDS) {
    results.push({
      id: Number(f[i]),
      code: f[i + 1] as WireResult['code'],
      line: Number(f[i + 2]),
      message: f[i + 3],
      output: f[i + 4],
      bytes: Number(f[i + 5]),
      document: f[i + 6],
    });
  }
  return results;
}
