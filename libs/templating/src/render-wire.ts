/**
 * What travels between the render pool and its workers: a whole batch as one string of
 * length-prefixed fields (`<length>:<text>` each), so that a batch costs one string copy instead of
 * a structured clone of an object per render. The workers read it with the same few lines (see
 * WORKER_SOURCE in sandbox-source.ts).
 *
 * A request: id, key, format, maxOutputBytes, input (JSON text), meta (JSON text), source (the
 * compiled function, sent only the first time a worker sees the key; empty otherwise), pick (the
 * top-level field of the input to render over, e.g. `event` of a delivery job's record; empty to
 * render over the whole input).
 * A result: id, code ('' when it rendered, `NEED_SOURCE` when the worker no longer holds the key),
 * line, message, output, bytes, document (for a form: the JSON object the template rendered; ''
 * otherwise).
 */
export const REQUEST_FIELDS = 8;
export const RESULT_FIELDS = 7;

export function packFields(fields: ReadonlyArray<string | number>, into: string[]): void {
  for (const f of fields) {
    const text = typeof f === 'string' ? f : String(f);
    into.push(`${text.length}:`, text);
  }
}

export function unpackFields(wire: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < wire.length) {
    const colon = wire.indexOf(':', at);
    const length = colon < 0 ? NaN : Number(wire.slice(at, colon));
    if (!Number.isInteger(length) || length < 0 || colon + 1 + length > wire.length) throw new Error(`malformed render wire at ${at}`);
    out.push(wire.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return out;
}
