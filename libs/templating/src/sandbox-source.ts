/**
 * The JavaScript that runs inside each render worker (see render-pool.ts). It is kept as source
 * text, not as a compiled module, so that the worker needs nothing from the project's build.
 *
 * Inside the worker, templates run in a V8 context created once, with no `process`, `require`,
 * timers, network or file system, no `eval`/`Function` from strings, and frozen built-ins so one
 * template cannot tamper with another. Data crosses into the context only as JSON text and the
 * result comes back as text, so no object of an outer realm (and its `constructor`) is reachable.
 * The worker itself has a small heap of its own: a template that allocates without bound kills
 * only its worker. A template that never ends is stopped by the pool's watchdog.
 */
const CONTEXT_SOURCE = String.raw`
(function (g) {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const LS = /\u2028/g, PS = /\u2029/g;

  // A value as a JSON literal: strings quoted and escaped, undefined as null.
  function json(value, indent) {
    const text = stringify(value === undefined ? null : value, null, indent);
    return (text === undefined ? 'null' : text).replace(LS, '\\u2028').replace(PS, '\\u2029');
  }
  // Escape for <%= %> in JSON templates: the content of a JSON string, without the quotes.
  function escapeJsonString(value) {
    if (value === undefined || value === null) return '';
    const text = stringify(typeof value === 'string' ? value : String(value));
    return text.slice(1, -1).replace(LS, '\\u2028').replace(PS, '\\u2029');
  }
  function identity(value) {
    return value === undefined || value === null ? '' : String(value);
  }
  // A template error keeps the template line of the block that threw.
  function fail(error, line) {
    let message;
    try { message = String(error && error.message !== undefined ? error.message : error); } catch (_) { message = 'error'; }
    return { templateError: true, line: line, message: message };
  }
  const helpers = Object.freeze({ json: json, escapeJsonString: escapeJsonString, identity: identity, fail: fail });
  Object.defineProperty(g, '__helpers', { value: helpers, writable: false, configurable: false, enumerable: false });

  // Runs one compiled template. Input and meta arrive as JSON text; the result leaves as text:
  // "\u0001" + output, or "\u0002" + line + "\u0000" + message.
  function run(fn, inputText, metaText) {
    try {
      const out = fn(parse(inputText), parse(metaText));
      return '\u0001' + (typeof out === 'string' ? out : String(out));
    } catch (e) {
      const f = e && e.templateError === true ? e : fail(e, 0);
      let message;
      try { message = String(f.message); } catch (_) { message = 'error'; }
      return '\u0002' + (Number(f.line) | 0) + '\u0000' + message;
    }
  }
  Object.defineProperty(g, '__run', { value: run, writable: false, configurable: false, enumerable: false });

  for (const name of Object.getOwnPropertyNames(g)) {
    if (name === 'globalThis') continue;
    const value = g[name];
    if (value && (typeof value === 'function' || typeof value === 'object')) {
      if (value.prototype) Object.freeze(value.prototype);
      Object.freeze(value);
    }
  }
  Object.freeze(Object.getPrototypeOf(function* () {}));
  Object.freeze(Object.getPrototypeOf(async function () {}));
})(globalThis);
`;

/**
 * Worker protocol. In: arrays of { id, key, source, format, input, meta, maxOutputBytes }.
 * Out: arrays of { id, ok, output } or { id, ok: false, code, line, message }.
 * `progress` (Int32Array over a SharedArrayBuffer): [0] = id being rendered (0 when idle),
 * [1] = renders finished; the pool's watchdog reads them.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const progress = new Int32Array(workerData.progress);
const context = vm.createContext(Object.create(null), {
  name: 'postback-templates',
  codeGeneration: { strings: false, wasm: false },
  microtaskMode: 'afterEvaluate',
});
new vm.Script(workerData.contextSource, { filename: 'postback-template-helpers' }).runInContext(context);
const run = vm.runInContext('__run', context);
const compiled = new Map();
const CACHE_SIZE = workerData.cacheSize;

function fnFor(key, source) {
  let fn = compiled.get(key);
  if (fn) { compiled.delete(key); compiled.set(key, fn); return fn; }
  fn = new vm.Script(source, { filename: 'template' }).runInContext(context);
  compiled.set(key, fn);
  if (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value);
  return fn;
}

function checkOutput(format, output) {
  if (format !== 'json') return undefined;
  try { JSON.parse(output); return undefined; } catch (e) {
    const message = e.message;
    const pos = /position (\d+)/.exec(message);
    let where = '';
    if (pos) {
      const before = output.slice(0, Number(pos[1]));
      where = ' (output line ' + before.split('\n').length + ', column ' + (Number(pos[1]) - before.lastIndexOf('\n')) + ')';
    }
    return 'output is not valid JSON' + where + ': ' + message;
  }
}

function renderOne(r) {
  const raw = run(fnFor(r.key, r.source), r.input, r.meta);
  if (raw.charCodeAt(0) !== 1) {
    const sep = raw.indexOf('\u0000');
    return { id: r.id, ok: false, code: 'TEMPLATE_RUNTIME', line: Number(raw.slice(1, sep)) || undefined, message: raw.slice(sep + 1) };
  }
  const output = raw.slice(1);
  const bytes = Buffer.byteLength(output);
  if (bytes > r.maxOutputBytes) {
    return { id: r.id, ok: false, code: 'TEMPLATE_TOO_LARGE', message: 'output is ' + bytes + ' bytes, more than the limit of ' + r.maxOutputBytes };
  }
  const bad = checkOutput(r.format, output);
  if (bad) return { id: r.id, ok: false, code: 'TEMPLATE_OUTPUT', message: bad };
  return { id: r.id, ok: true, output: output, bytes: bytes };
}

parentPort.on('message', (batch) => {
  const results = [];
  for (const r of batch) {
    Atomics.store(progress, 0, r.id);
    let result;
    try { result = renderOne(r); } catch (e) {
      result = { id: r.id, ok: false, code: 'TEMPLATE_RUNTIME', message: String(e && e.message) };
    }
    results.push(result);
    Atomics.store(progress, 0, 0);
    Atomics.add(progress, 1, 1);
  }
  parentPort.postMessage(results);
});
`;

export { CONTEXT_SOURCE };
