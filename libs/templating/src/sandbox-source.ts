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
  const LS = /\u2028/g, PS = /\u2029/g, SEPARATORS = /[\u2028\u2029]/;

  // A value as a JSON literal: strings quoted and escaped, undefined as null.
  function json(value, indent) {
    const text = stringify(value === undefined ? null : value, null, indent);
    if (text === undefined) return 'null';
    return SEPARATORS.test(text) ? text.replace(LS, '\\u2028').replace(PS, '\\u2029') : text;
  }
  // Escape for <%= %> in JSON templates: the content of a JSON string, without the quotes.
  function escapeJsonString(value) {
    if (value === undefined || value === null) return '';
    const text = stringify(typeof value === 'string' ? value : String(value)).slice(1, -1);
    return SEPARATORS.test(text) ? text.replace(LS, '\\u2028').replace(PS, '\\u2029') : text;
  }
  const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function escapeHtml(value) {
    if (value === undefined || value === null) return '';
    return String(value).replace(/[&<>"']/g, function (c) { return HTML_ESCAPES[c]; });
  }
  // Escape for XML text and attribute values (<%= %> in XML templates, and xml(x) anywhere): the
  // five special characters as entities; characters XML 1.0 forbids even escaped (controls other
  // than tab, LF and CR; lone surrogates; U+FFFE, U+FFFF) become U+FFFD. Objects and arrays are
  // written as their JSON text; undefined and null as nothing.
  const XML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;
  function xml(value) {
    if (value === undefined || value === null) return '';
    const text = typeof value === 'object' ? stringify(value) : String(value);
    return text.replace(XML_FORBIDDEN, '\uFFFD').replace(/[&<>"']/g, function (c) { return XML_ESCAPES[c]; });
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
  // Template Mapper helpers. Each maps over arrays element by element (join excepted).
  const PATH_PART = /([^.[\]]+)|\[(\d*)\]/g;
  function get(obj, path) {
    const parts = [];
    String(path).replace(PATH_PART, function (_, name, index) { parts.push(name !== undefined ? { name: name } : { index: index }); return ''; });
    function walk(value, i) {
      if (i === parts.length) return value;
      if (value === null || value === undefined) return undefined;
      const part = parts[i];
      if (part.name !== undefined) return walk(Object.prototype.hasOwnProperty.call(Object(value), part.name) ? value[part.name] : undefined, i + 1);
      if (!Array.isArray(value)) return undefined;
      if (part.index === '') return value.map(function (el) { return walk(el, i + 1); });
      return walk(value[Number(part.index)], i + 1);
    }
    return walk(obj, 0);
  }
  function each(fn) {
    return function self(v) {
      if (Array.isArray(v)) return v.map(function (x) { return self(x); });
      return v === undefined || v === null ? v : fn(v);
    };
  }
  const string = each(function (v) { return typeof v === 'object' ? stringify(v) : String(v); });
  const number = each(function (v) { const n = typeof v === 'number' ? v : Number(String(v).trim()); return Number.isFinite(n) && String(v).trim() !== '' ? n : null; });
  const boolean = each(function (v) {
    if (typeof v === 'boolean') return v;
    const t = String(v).trim().toLowerCase();
    return t === 'true' || t === '1' || t === 'yes' ? true : t === 'false' || t === '0' || t === 'no' || t === '' ? false : null;
  });
  const upper = each(function (v) { return String(v).toUpperCase(); });
  const lower = each(function (v) { return String(v).toLowerCase(); });
  const trim = each(function (v) { return String(v).trim(); });
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function date(v, format) {
    return each(function (x) {
      const d = new Date(typeof x === 'number' ? x : String(x));
      const t = d.getTime();
      if (Number.isNaN(t)) return null;
      if (format === 'iso' || format === undefined) return d.toISOString();
      if (format === 'unix') return Math.floor(t / 1000);
      if (format === 'unixMs') return t;
      return String(format).replace(/YYYY|MM|DD|HH|mm|ss|SSS/g, function (tok) {
        switch (tok) {
          case 'YYYY': return pad(d.getUTCFullYear(), 4);
          case 'MM': return pad(d.getUTCMonth() + 1, 2);
          case 'DD': return pad(d.getUTCDate(), 2);
          case 'HH': return pad(d.getUTCHours(), 2);
          case 'mm': return pad(d.getUTCMinutes(), 2);
          case 'ss': return pad(d.getUTCSeconds(), 2);
          default: return pad(d.getUTCMilliseconds(), 3);
        }
      });
    })(v);
  }
  function join(v, separator) {
    if (v === undefined || v === null) return v;
    return (Array.isArray(v) ? v : [v]).filter(function (x) { return x !== undefined && x !== null; }).map(function (x) { return typeof x === 'object' ? stringify(x) : String(x); }).join(separator === undefined ? ', ' : String(separator));
  }

  const helpers = Object.freeze({
    json: json, xml: xml, escapeJsonString: escapeJsonString, escapeHtml: escapeHtml, identity: identity, fail: fail,
    get: get, string: string, number: number, boolean: boolean, upper: upper, lower: lower, trim: trim, date: date, join: join,
  });
  Object.defineProperty(g, '__helpers', { value: helpers, writable: false, configurable: false, enumerable: false });

  // Runs one compiled template. Input and meta arrive as JSON text; with pick, the template gets
  // that top-level field of the input (null if it has none). The result leaves as text:
  // "\u0001" + output, or "\u0002" + line + "\u0000" + message.
  const hasOwn = Object.prototype.hasOwnProperty;
  function run(fn, inputText, metaText, pick) {
    try {
      let input = parse(inputText);
      if (pick) input = input !== null && typeof input === 'object' && !Array.isArray(input) && hasOwn.call(input, pick) ? input[pick] : null;
      const out = fn(input, parse(metaText));
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
 * Worker protocol (see render-wire.ts): in, a batch as one string of length-prefixed fields, eight
 * per request (id, key, format, maxOutputBytes, input, meta, source or '', pick or ''); out, one string with seven
 * per result (id, code or '', line, message, output, bytes, document: for a form, the JSON object
 * the template rendered, which the output is encoded from; '' otherwise). A request without source whose key the
 * worker no longer holds comes back as NEED_SOURCE.
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
const FIELDS = workerData.requestFields;

function unpack(wire) {
  const out = [];
  let at = 0;
  while (at < wire.length) {
    const colon = wire.indexOf(':', at);
    const length = Number(wire.slice(at, colon));
    out.push(wire.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return out;
}
function pack(fields, into) {
  for (let i = 0; i < fields.length; i++) {
    const text = String(fields[i]);
    into.push(text.length + ':', text);
  }
}

// The compiled template for key: from the cache, or from source when sent (undefined if neither).
function fnFor(key, source) {
  let fn = compiled.get(key);
  if (fn) { compiled.delete(key); compiled.set(key, fn); return fn; }
  if (!source) return undefined;
  fn = new vm.Script(source, { filename: 'template' }).runInContext(context);
  compiled.set(key, fn);
  if (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value);
  return fn;
}

function notJson(output, e) {
  const message = e.message;
  const pos = /position (\d+)/.exec(message);
  let where = '';
  if (pos) {
    const before = output.slice(0, Number(pos[1]));
    where = ' (output line ' + before.split('\n').length + ', column ' + (Number(pos[1]) - before.lastIndexOf('\n')) + ')';
  }
  return 'output is not valid JSON' + where + ': ' + message;
}

// XML output must be well-formed, as fast-xml-parser's XMLValidator judges it (loaded on first
// use, from the path the pool resolved), and free of characters XML 1.0 forbids.
let xmlValidator;
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;
function notXml(output) {
  const forbidden = XML_FORBIDDEN.exec(output);
  if (forbidden) {
    const before = output.slice(0, forbidden.index);
    const code = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return 'output is not well-formed XML (output line ' + before.split('\n').length + ', column ' + (forbidden.index - before.lastIndexOf('\n')) +
      '): U+' + code + ' is not allowed in XML (write values with xml(...) or <%= %>, which replace it)';
  }
  if (!xmlValidator) xmlValidator = require(workerData.xmlValidatorPath).XMLValidator;
  const result = xmlValidator.validate(output);
  if (result === true) return undefined;
  const err = result.err || {};
  const where = err.line ? ' (output line ' + err.line + (err.col ? ', column ' + err.col : '') + ')' : '';
  return 'output is not well-formed XML' + where + ': ' + err.msg;
}

function checkOutput(format, output) {
  if (format === 'json') {
    try { JSON.parse(output); return undefined; } catch (e) { return notJson(output, e); }
  }
  if (format === 'xml') return notXml(output);
  return undefined;
}

// A form template renders a JSON object of fields, encoded as application/x-www-form-urlencoded
// (WHATWG URLSearchParams: UTF-8, space as +). A string is written as it is, a number or boolean
// as its JSON text, null as an empty value; an array of those repeats the field once per element
// (an empty array writes nothing). Nested objects, and arrays holding objects or arrays, are
// refused: form fields are flat (name the fields flat in the template, e.g. "customer[email]").
function scalarField(v) {
  return v === null ? '' : typeof v === 'string' ? v : String(v);
}
function encodeForm(output) {
  let value;
  try { value = JSON.parse(output); } catch (e) { return { error: notJson(output, e) + ' (a form template renders a JSON object of fields)' }; }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'a form template must render a JSON object of fields, not ' + (value === null ? 'null' : Array.isArray(value) ? 'an array' : 'a ' + typeof value) };
  }
  const params = new URLSearchParams();
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (key === '') return { error: 'form field names cannot be empty' };
    if (Array.isArray(v)) {
      for (const el of v) {
        if (el !== null && typeof el === 'object') {
          return { error: 'form field ' + JSON.stringify(key) + ' is a list holding ' + (Array.isArray(el) ? 'a list' : 'an object') + ': form fields are flat, a list may hold only strings, numbers, booleans and null' };
        }
        params.append(key, scalarField(el));
      }
    } else if (v !== null && typeof v === 'object') {
      return { error: 'form field ' + JSON.stringify(key) + ' is an object: form fields are flat (write its fields as fields of their own, e.g. ' + JSON.stringify(key + '[' + (Object.keys(v)[0] || 'name') + ']') + ')' };
    } else {
      params.append(key, scalarField(v));
    }
  }
  return { body: params.toString() };
}

// One request (fields f[i..i+7]) as a result [id, code, line, message, output, bytes].
function renderOne(f, i) {
  const id = f[i], key = f[i + 1], format = f[i + 2], maxOutputBytes = Number(f[i + 3]);
  const fn = fnFor(key, f[i + 6]);
  if (!fn) return [id, 'NEED_SOURCE', 0, '', '', 0, ''];
  const raw = run(fn, f[i + 4], f[i + 5], f[i + 7]);
  if (raw.charCodeAt(0) !== 1) {
    const sep = raw.indexOf('\u0000');
    return [id, 'TEMPLATE_RUNTIME', Number(raw.slice(1, sep)) || 0, raw.slice(sep + 1), '', 0, ''];
  }
  let output = raw.slice(1);
  let bytes = Buffer.byteLength(output);
  if (bytes > maxOutputBytes) {
    return [id, 'TEMPLATE_TOO_LARGE', 0, 'output is ' + bytes + ' bytes, more than the limit of ' + maxOutputBytes, '', 0, ''];
  }
  if (format === 'form') {
    const form = encodeForm(output);
    if (form.error) return [id, 'TEMPLATE_OUTPUT', 0, form.error, output.slice(0, 65536), 0, ''];
    const document = output;
    output = form.body;
    bytes = output.length;
    if (bytes > maxOutputBytes) {
      return [id, 'TEMPLATE_TOO_LARGE', 0, 'the encoded form is ' + bytes + ' bytes, more than the limit of ' + maxOutputBytes, '', 0, ''];
    }
    return [id, '', 0, '', output, bytes, document];
  }
  const bad = checkOutput(format, output);
  if (bad) return [id, 'TEMPLATE_OUTPUT', 0, bad, output.slice(0, 65536), 0, ''];
  return [id, '', 0, '', output, bytes, ''];
}

parentPort.on('message', (wire) => {
  const f = unpack(wire);
  const out = [];
  for (let i = 0; i + FIELDS <= f.length; i += FIELDS) {
    const id = Number(f[i]);
    Atomics.store(progress, 0, id);
    let result;
    try { result = renderOne(f, i); } catch (e) {
      result = [f[i], 'TEMPLATE_RUNTIME', 0, String(e && e.message), '', 0, ''];
    }
    pack(result, out);
    Atomics.store(progress, 0, 0);
    Atomics.add(progress, 1, 1);
  }
  parentPort.postMessage(out.join(''));
});
`;

export { CONTEXT_SOURCE };
