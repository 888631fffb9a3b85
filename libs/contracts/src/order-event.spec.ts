import { ORDER_EVENT_TYPES } from './event-types';
import { decodeOrderEventRecord, parseOrderEvent } from './order-event';
import { sampleEvent } from './samples';

describe('parseOrderEvent', () => {
  it.each(ORDER_EVENT_TYPES)('accepts the sample %s event', (type) => {
    const result = parseOrderEvent(sampleEvent(type));
    expect(result.ok).toBe(true);
  });

  it('reports every problem with its path', () => {
    const result = parseOrderEvent({ id: '', type: 'order.teleported', occurredAt: 'yesterday', customerId: 42, data: { reference: 'x' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: 'id', message: 'must not be empty' },
        { path: 'type', message: expect.stringContaining('must be one of order.received') as string },
        { path: 'occurredAt', message: expect.stringContaining('ISO-8601') as string },
        { path: 'customerId', message: 'must be a string, got number' },
        { path: 'data.id', message: 'is required' },
      ]),
    );
    expect(result.issues).toHaveLength(5);
  });

  it.each([
    ['a string', 'hello'],
    ['an array', [1, 2]],
    ['null', null],
    ['a number', 7],
  ])('refuses %s as an event', (_label, value) => {
    const result = parseOrderEvent(value);
    expect(result).toEqual({ ok: false, issues: [{ path: '$', message: expect.stringContaining('must be a JSON object') as string }] });
  });

  it('refuses a date without a time zone and an impossible date', () => {
    for (const occurredAt of ['2026-05-04T09:12:44', '2026-13-45T09:12:44Z']) {
      const result = parseOrderEvent({ ...sampleEvent('order.received'), occurredAt });
      expect(result.ok).toBe(false);
    }
  });

  it('refuses data that is not an object', () => {
    const result = parseOrderEvent({ ...sampleEvent('order.received'), data: ['ord_1'] });
    expect(result).toEqual({ ok: false, issues: [{ path: 'data', message: 'must be an object, got an array' }] });
  });

  it('accepts a structured CloudEvent and normalizes it to the envelope', () => {
    const sample = sampleEvent('order.shipped');
    const result = parseOrderEvent({
      specversion: '1.0',
      id: 'ce-1',
      source: '/fulfilment/orders',
      type: 'order.shipped',
      time: '2026-05-05T14:03:10+02:00',
      customerid: 'cus_1',
      datacontenttype: 'application/json',
      data: sample.data,
    });
    expect(result).toEqual({
      ok: true,
      value: { id: 'ce-1', type: 'order.shipped', occurredAt: '2026-05-05T14:03:10+02:00', customerId: 'cus_1', data: sample.data },
    });
  });

  it('refuses a CloudEvent of another spec version or without the customer extension', () => {
    const result = parseOrderEvent({ specversion: '0.3', id: 'x', type: 'order.shipped', time: '2026-05-05T14:03:10Z', data: { id: 'o' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(['customerid', 'specversion']);
  });

  it('gives each sample realistic order data', () => {
    const shipped = sampleEvent('order.shipped');
    expect(shipped.data.shipment?.trackingNumber).toMatch(/\w{10,}/);
    expect(shipped.data.items?.length).toBeGreaterThan(0);
    expect(sampleEvent('order.failed').data.reason?.code).toBe('OUT_OF_STOCK');
    expect(sampleEvent('order.returned').data.return).toBeDefined();
  });

  it('hands out independent copies of a sample', () => {
    const a = sampleEvent('order.received');
    a.data.reference = 'changed';
    expect(sampleEvent('order.received').data.reference).toBe('PO-2026-004817');
  });
});

describe('decodeOrderEventRecord', () => {
  const sample = sampleEvent('order.shipped', { id: 'evt_ce_1', customerId: 'cus_1', occurredAt: '2026-05-05T14:03:10+02:00' });
  const expected = { id: 'evt_ce_1', type: 'order.shipped', occurredAt: '2026-05-05T14:03:10+02:00', customerId: 'cus_1', data: sample.data };
  const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  const binaryHeaders = (): Record<string, string> => ({
    ce_specversion: '1.0',
    ce_id: 'evt_ce_1',
    ce_source: '/fulfilment/orders',
    ce_type: 'order.shipped',
    ce_time: '2026-05-05T14:03:10+02:00',
    ce_subject: 'ord_7Q2M9K4XHB',
    ce_customerid: 'cus_1',
    'content-type': 'application/json',
  });
  const without = (name: string) => {
    const headers = binaryHeaders();
    delete headers[name];
    return headers;
  };
  const structured = {
    specversion: '1.0',
    id: 'evt_ce_1',
    source: '/fulfilment/orders',
    type: 'order.shipped',
    time: '2026-05-05T14:03:10+02:00',
    customerid: 'cus_1',
    datacontenttype: 'application/json',
    data: sample.data,
  };

  it('maps the three accepted forms to the same event', () => {
    const native = decodeOrderEventRecord(bytes(sample), {});
    const structuredMode = decodeOrderEventRecord(bytes(structured), { 'content-type': 'application/cloudevents+json; charset=utf-8' });
    const binaryMode = decodeOrderEventRecord(bytes(sample.data), binaryHeaders());
    expect(native).toEqual({ ok: true, value: expected });
    expect(structuredMode).toEqual({ ok: true, value: expected });
    expect(binaryMode).toEqual({ ok: true, value: expected });
  });

  it('takes a structured CloudEvent without a content type, and one whose producer also wrote ce_ headers', () => {
    expect(decodeOrderEventRecord(bytes(structured), {})).toEqual({ ok: true, value: expected });
    const both = { ...binaryHeaders(), 'content-type': 'application/cloudevents+json' };
    expect(decodeOrderEventRecord(bytes(structured), both)).toEqual({ ok: true, value: expected });
  });

  it('takes binary mode without a content type, with a charset, or with only ce_datacontenttype', () => {
    const noType = without('content-type');
    expect(decodeOrderEventRecord(bytes(sample.data), noType)).toEqual({ ok: true, value: expected });
    expect(decodeOrderEventRecord(bytes(sample.data), { ...noType, 'content-type': 'Application/JSON; charset=utf-8' })).toEqual({ ok: true, value: expected });
    expect(decodeOrderEventRecord(bytes(sample.data), { ...noType, ce_datacontenttype: 'application/json' })).toEqual({ ok: true, value: expected });
  });

  it.each(['ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_customerid'])('refuses a binary-mode record without %s, naming it', (name) => {
    expect(decodeOrderEventRecord(bytes(sample.data), without(name))).toEqual({ ok: false, reason: `${name}: is required`, category: 'schema' });
  });

  it('refuses a binary-mode record without ce_specversion, naming it rather than what the data lacks to be an envelope', () => {
    const result = decodeOrderEventRecord(bytes(sample.data), without('ce_specversion'));
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^ce_specversion: is required \(a binary-mode CloudEvent; the record has ce_id, /) as string,
      category: 'schema',
    });
    const notJson = decodeOrderEventRecord(bytes('<order/>'), without('ce_specversion'));
    expect(notJson).toMatchObject({ ok: false, reason: expect.stringMatching(/^ce_specversion: is required/) as string });
  });

  it('refuses a binary-mode record of another spec version', () => {
    const result = decodeOrderEventRecord(bytes(sample.data), { ...binaryHeaders(), ce_specversion: '0.3' });
    expect(result).toEqual({ ok: false, reason: 'ce_specversion: only CloudEvents specversion "1.0" is supported, got "0.3"', category: 'schema' });
  });

  it('names every problem of a binary-mode record, attributes and data', () => {
    const headers = { ...without('ce_id'), ce_type: 'order.exploded', ce_time: 'yesterday', ce_source: '' };
    const result = decodeOrderEventRecord(bytes({ reference: 'x' }), headers);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason.split('; ').map((part) => part.split(':')[0])).toEqual(['ce_id', 'ce_source', 'ce_type', 'ce_time', 'data.id']);
    expect(result.category).toBe('schema');
  });

  it.each(['application/xml', 'text/plain', 'application/xml; charset=utf-8', 'application/x-www-form-urlencoded'])(
    'refuses binary-mode data of content type %s',
    (contentType) => {
      const result = decodeOrderEventRecord(bytes(sample.data), { ...binaryHeaders(), 'content-type': contentType });
      expect(result).toEqual({
        ok: false,
        reason: expect.stringMatching(/^content-type: must be application\/json when present/) as string,
        category: 'schema',
      });
      if (!result.ok) expect(result.reason).toContain(`got "${contentType}"`);
    },
  );

  it('refuses binary-mode data that is not JSON or not an order', () => {
    expect(decodeOrderEventRecord(bytes('{not json'), binaryHeaders())).toEqual({
      ok: false,
      reason: expect.stringMatching(/^data: not valid JSON: /) as string,
      category: 'not_json',
    });
    expect(decodeOrderEventRecord(bytes([1]), binaryHeaders())).toEqual({ ok: false, reason: 'data: must be an object, got an array', category: 'schema' });
  });

  it('reads a record without ce_specversion by its value: stray ce_ headers do not change a valid native event', () => {
    const stray = { ce_id: 'other', ce_type: 'order.failed' };
    expect(decodeOrderEventRecord(bytes(sample), stray)).toEqual({ ok: true, value: expected });
  });

  it('keeps the reasons of native and structured records as they were', () => {
    expect(decodeOrderEventRecord(bytes('{not json'), {})).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not valid JSON: /) as string,
      category: 'not_json',
    });
    expect(decodeOrderEventRecord(bytes({ ...sample, type: 'order.exploded' }), {})).toEqual({
      ok: false,
      reason: expect.stringMatching(/^type: must be one of/) as string,
      category: 'schema',
    });
    const badStructured = decodeOrderEventRecord(bytes({ ...structured, specversion: '0.3' }), { ce_source: '/x' });
    expect(badStructured).toEqual({ ok: false, reason: 'specversion: only CloudEvents specversion "1.0" is supported', category: 'schema' });
  });
});
