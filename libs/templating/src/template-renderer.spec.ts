import { sampleEvent } from '@postback/contracts';
import { TemplateError } from './template-errors';
import { JsonText, postbackMeta, TemplateRenderer } from './template-renderer';

const JSON_TEMPLATE = `{
  "event": "<%= it.type %>",
  "orderId": <%~ json(it.data.id) %>,
  "reference": "<%= it.data.reference %>",
  "recipient": <%~ json(it.data.shippingAddress?.name) %>,
  "note": <%~ json(it.data.note) %>,
  "items": [<% (it.data.items || []).forEach(function (item, i) { %><%~ i ? ',' : '' %>{ "sku": <%~ json(item.sku) %>, "qty": <%~ json(item.quantity) %> }<% }) %>]
}`;

const HOSTILE = [
  'quote " and backslash \\ and slash /',
  'new\nline\r\nand\ttab',
  'unicode: Zoë Åsa 東京 😀 \u2028\u2029',
  '</script><script>alert(1)</script>',
  '\u0000\u0001\u001f control',
  '<%= it.type %> looks like a tag',
  "'single' and `backtick` ${x}",
];

describe('TemplateRenderer', () => {
  let renderer: TemplateRenderer;

  beforeAll(() => {
    renderer = new TemplateRenderer({ timeoutMs: 200, workers: 1, quarantineMs: 1000, workerHeapMb: 64 });
  });
  afterAll(async () => {
    await renderer.close();
  });

  async function render(body: string, input: unknown) {
    return renderer.render({ body, format: 'json' }, input);
  }

  async function failure(body: string, input: unknown = {}): Promise<TemplateError> {
    try {
      await render(body, input);
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
    throw new Error('expected the render to fail');
  }

  it('renders the sample event to the expected JSON', async () => {
    const event = sampleEvent('order.shipped');
    const result = await render(JSON_TEMPLATE, event);
    expect(result.contentType).toBe('application/json');
    expect(JSON.parse(result.output)).toEqual({
      event: 'order.shipped',
      orderId: 'ord_7Q2M9K4XHB',
      reference: 'PO-2026-004817',
      recipient: 'Åsa Lindqvist',
      note: null,
      items: [
        { sku: 'TSHIRT-ORG-M-NAVY', qty: 2 },
        { sku: 'HOODIE-ZIP-L-GREY', qty: 1 },
      ],
    });
  });

  it.each(HOSTILE)('keeps the output valid JSON for the hostile string %j, in both json() and "<%%= %%>"', async (hostile) => {
    const event = sampleEvent('order.shipped');
    event.data.reference = hostile;
    event.data.shippingAddress = { name: hostile };
    (event.data as Record<string, unknown>).note = hostile;
    const result = await render(JSON_TEMPLATE, event);
    const parsed = JSON.parse(result.output) as Record<string, unknown>;
    expect(parsed.reference).toBe(hostile);
    expect(parsed.recipient).toBe(hostile);
    expect(parsed.note).toBe(hostile);
  });

  it('writes missing fields and nulls as JSON null, never as undefined', async () => {
    const result = await render(JSON_TEMPLATE, { type: 'order.received', data: { id: null } });
    expect(JSON.parse(result.output)).toEqual({ event: 'order.received', orderId: null, reference: '', recipient: null, note: null, items: [] });
  });

  it('does not HTML-escape JSON payloads', async () => {
    const result = await render('{"a": "<%= it.s %>"}', { s: '<b>Tom & "Jerry"</b>' });
    expect(JSON.parse(result.output)).toEqual({ a: '<b>Tom & "Jerry"</b>' });
  });

  it('renders the same bytes every time for the same input (what is previewed is what is sent)', async () => {
    const event = sampleEvent('order.delivered');
    const outputs = await Promise.all([1, 2, 3].map(() => render(JSON_TEMPLATE, event)));
    expect(new Set(outputs.map((o) => o.output)).size).toBe(1);
  });

  it('names the line of a JavaScript syntax error at compile time', () => {
    const body = '{\n  "a": 1,\n  <% if (it.x { %>\n  "b": 2\n  <% } %>\n}';
    expect(() => renderer.compile({ body, format: 'json' })).toThrow(TemplateError);
    try {
      renderer.compile({ body, format: 'json' });
    } catch (e) {
      expect((e as TemplateError).code).toBe('TEMPLATE_SYNTAX');
      expect((e as TemplateError).line).toBe(3);
    }
  });

  it('names line and column of an unclosed tag', () => {
    try {
      renderer.compile({ body: '{\n  "a": <%= it.a \n}', format: 'json' });
      throw new Error('expected a syntax error');
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).toJSON()).toEqual({ code: 'TEMPLATE_SYNTAX', message: 'unclosed tag', line: 2, column: 8 });
    }
  });

  it('names the line of a runtime error', async () => {
    const error = await failure('{\n  "a": 1,\n  "b": <%~ json(it.data.missing.deeper) %>\n}', { data: {} });
    expect(error.code).toBe('TEMPLATE_RUNTIME');
    expect(error.line).toBe(3);
    expect(error.message).toContain("reading 'deeper'");
  });

  it('refuses output that is not valid JSON, with where it breaks', async () => {
    const error = await failure('{\n  "a": <%~ it.value %>\n}', { value: 'not-json' });
    expect(error.code).toBe('TEMPLATE_OUTPUT');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('stops a template that never finishes, and keeps serving others', async () => {
    const started = Date.now();
    const error = await failure('<% while (true) {} %>');
    expect(error.code).toBe('TEMPLATE_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    const ok = await render('{"still": "alive"}', {});
    expect(JSON.parse(ok.output)).toEqual({ still: 'alive' });
  });

  it('gives a render that overran once a second, longer try before failing it (a stalled machine is not a broken template)', async () => {
    // Busy for ~400 ms: over the 200 ms limit, well within the second try's limit.
    const result = await render('<% const until = Date.now() + 400; while (Date.now() < until) {} %>{"slow": true}', {});
    expect(JSON.parse(result.output)).toEqual({ slow: true });
    const again = await render('<% const until = Date.now() + 400; while (Date.now() < until) {} %>{"slow": true}', {});
    expect(JSON.parse(again.output)).toEqual({ slow: true });
  });

  it('fails fast while a template that hung is quarantined', async () => {
    const body = '<% for (;;) {} %>';
    expect((await failure(body)).code).toBe('TEMPLATE_TIMEOUT');
    const started = Date.now();
    const again = await failure(body);
    expect(again.code).toBe('TEMPLATE_TIMEOUT');
    expect(again.message).toContain('quarantined');
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('stops a template that allocates without bound', async () => {
    const error = await failure('<% const a = []; for (;;) a.push("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + a.length) %>');
    expect(['TEMPLATE_TOO_LARGE', 'TEMPLATE_TIMEOUT']).toContain(error.code);
  });

  it('refuses output above the size limit', async () => {
    const small = new TemplateRenderer({ workers: 1, maxOutputBytes: 1024 });
    try {
      await expect(small.render({ body: '"<%= "x".repeat(5000) %>"', format: 'json' }, {})).rejects.toMatchObject({ code: 'TEMPLATE_TOO_LARGE' });
    } finally {
      await small.close();
    }
  });

  it.each([
    ['process', '{"t": <%~ json(typeof process) %>}'],
    ['require', '{"t": <%~ json(typeof require) %>}'],
    ['module', '{"t": <%~ json(typeof module) %>}'],
    ['setTimeout', '{"t": <%~ json(typeof setTimeout) %>}'],
    ['fetch', '{"t": <%~ json(typeof fetch) %>}'],
    ['Buffer', '{"t": <%~ json(typeof Buffer) %>}'],
  ])('gives templates no %s', async (_name, body) => {
    const result = await render(body, {});
    expect(JSON.parse(result.output)).toEqual({ t: 'undefined' });
  });

  it('blocks code generation from strings (the constructor escape)', async () => {
    const error = await failure('<% const p = it.constructor.constructor("return process")(); %>{}', { a: 1 });
    expect(error.message).toMatch(/Code generation from strings disallowed/);
  });

  it('does not let one template change built-ins for the next', async () => {
    await render('<% try { JSON.stringify = function () { return "pwned" } } catch (e) {} %>{}', {});
    const result = await render('{"v": <%~ json("safe") %>}', {});
    expect(JSON.parse(result.output)).toEqual({ v: 'safe' });
  });

  it('refuses an oversized template body', () => {
    const big = new TemplateRenderer({ workers: 1, maxBodyChars: 10 });
    try {
      expect(() => big.compile({ body: '{"a": "0123456789"}', format: 'json' })).toThrow(/more than the limit/);
    } finally {
      void big.close();
    }
  });

  it('exposes meta (delivery id, attempt, trigger) to templates', async () => {
    const result = await renderer.render(
      { body: '{"id": <%~ json(meta.deliveryId) %>, "n": <%~ json(meta.attempt) %>}', format: 'json' },
      {},
      { deliveryId: 'msg_1', attempt: 3 },
    );
    expect(JSON.parse(result.output)).toEqual({ id: 'msg_1', n: 3 });
  });

  it('exposes meta.lifecycle to templates only when the delivery carries it', async () => {
    const trigger = { id: 'trg_1', name: 'Shop', customerId: 'cus_1' };
    const lifecycle = { previous: { type: 'order.shipped' as const, occurredAt: '2026-01-01T10:00:00Z', eventId: 'evt_1' }, outOfOrder: true, stale: false };
    const body = '{"previous": <%~ json(meta.lifecycle && meta.lifecycle.previous) %>, "outOfOrder": <%~ json(meta.lifecycle && meta.lifecycle.outOfOrder) %>}';
    const annotated = await renderer.render({ body, format: 'json' }, {}, postbackMeta({ deliveryId: 'msg_1', attempt: 1, test: false, trigger, lifecycle }));
    expect(JSON.parse(annotated.output)).toEqual({ previous: lifecycle.previous, outOfOrder: true });
    const plain = postbackMeta({ deliveryId: 'msg_1', attempt: 1, test: false, trigger });
    expect('lifecycle' in plain).toBe(false);
    expect(JSON.parse((await renderer.render({ body, format: 'json' }, {}, plain)).output)).toEqual({ previous: null, outOfOrder: null });
  });

  it('HTML templates escape event data, and text templates leave it as is', async () => {
    const event = { data: { note: '<b>"Tom" & Jerry</b>' } };
    const html = await renderer.render({ body: '<p><%= it.data.note %></p>', format: 'html' }, event);
    expect(html).toMatchObject({ output: '<p>&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;</p>', contentType: 'text/html; charset=utf-8' });
    const text = await renderer.render({ body: 'Note: <%= it.data.note %>', format: 'text' }, event);
    expect(text.output).toBe('Note: <b>"Tom" & Jerry</b>');
    expect(text.contentType).toMatch(/^text\/plain/);
  });

  it('sends a template to a worker again once the worker has evicted it', async () => {
    // One compiled template per worker: the text template evicts the JSON one there, while the
    // main thread still holds it (its cache is per format) and first sends it without the source.
    const small = new TemplateRenderer({ workers: 1, cacheSize: 1 });
    try {
      const body = '{"n": <%~ json(it.n) %>}';
      expect((await small.render({ body, format: 'json' }, { n: 1 })).output).toBe('{"n": 1}');
      expect((await small.render({ body: 'n=<%= it.n %>', format: 'text' }, { n: 2 })).output).toBe('n=2');
      expect((await small.render({ body, format: 'json' }, { n: 3 })).output).toBe('{"n": 3}');
    } finally {
      await small.close();
    }
  });

  it('returns every render of a batch to its caller, whatever characters the outputs hold', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => ({ i, s: `${i}:${'\u0000'.repeat(i % 3)}${HOSTILE[i % HOSTILE.length]}` }));
    const outputs = await Promise.all(inputs.map((input) => renderer.render({ body: '<%= it.i %>|<%= it.s %>', format: 'text' }, input)));
    expect(outputs.map((o) => o.output)).toEqual(inputs.map((input) => `${input.i}|${input.s}`));
  });
  it('renders JSON text parsed in the worker, picking a field, byte for byte as the value itself', async () => {
    const event = sampleEvent('order.shipped', { data: { ...sampleEvent('order.shipped').data, note: HOSTILE.join(' | ') } });
    const record = JSON.stringify({ schema: 'delivery-job/1', attempt: 1, event, after: { event: 'not this one' } });
    const fromValue = await render(JSON_TEMPLATE, event);
    const fromText = await render(JSON_TEMPLATE, new JsonText(record, 'event'));
    expect(fromText).toEqual(fromValue);
    expect(JSON.parse(fromText.output).note).toBe(HOSTILE.join(' | '));
    // Without pick, the whole value; a field it does not have is null, as is any field of a non-object.
    expect((await render('<%~ json(it.attempt) %>', new JsonText(record))).output).toBe('1');
    expect((await render('<%~ json(it) %>', new JsonText(record, 'missing'))).output).toBe('null');
    expect((await render('<%~ json(it) %>', new JsonText('[1,2]', 'length'))).output).toBe('null');
    expect((await render('<%~ json(it) %>', new JsonText('{"a":1}', 'toString'))).output).toBe('null');
  });

  it('fails a render over JSON text that does not parse, and the next render still works', async () => {
    const err = await renderer.render({ body: '<%~ json(it) %>', format: 'json' }, new JsonText('{"event": ', 'event')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).code).toBe('TEMPLATE_RUNTIME');
    expect((err as TemplateError).message).toMatch(/JSON/);
    expect((await render('<%~ json(it.a) %>', new JsonText('{"a":2}'))).output).toBe('2');
  });
});
