import { sampleEvent } from '@postback/contracts';
import { compileMapping, listFields, MappingError, MappingRule } from './mapper';
import { TemplateRenderer } from './template-renderer';

describe('Template Mapper', () => {
  let renderer: TemplateRenderer;
  beforeAll(() => {
    renderer = new TemplateRenderer({ workers: 1 });
  });
  afterAll(async () => {
    await renderer.close();
  });

  async function run(rules: MappingRule[], input: unknown): Promise<unknown> {
    const body = compileMapping(rules);
    const out = await renderer.render({ body, format: 'json' }, input);
    return JSON.parse(out.output) as unknown;
  }

  it('maps the order.shipped sample into a nested output', async () => {
    const rules: MappingRule[] = [
      { target: 'event', source: 'type' },
      { target: 'order.id', source: 'data.id' },
      { target: 'order.reference', source: 'data.reference', transform: 'lower' },
      { target: 'shipment.carrier', source: 'data.shipment.carrier', transform: 'upper' },
      { target: 'shipment.tracking', source: 'data.shipment.trackingNumber' },
      { target: 'shipment.shippedOn', source: 'data.shipment.shippedAt', transform: 'date', format: 'YYYY-MM-DD' },
      { target: 'shipment.shippedAtUnix', source: 'data.shipment.shippedAt', transform: 'date', format: 'unix' },
      { target: 'skus', source: 'data.items[].sku', transform: 'join', separator: ';' },
      { target: 'quantities', source: 'data.items[].quantity', transform: 'string' },
      { target: 'firstSku', source: 'data.items[0].sku' },
      { target: 'total', source: 'data.total.amount', transform: 'number' },
      { target: 'gift', source: 'data.gift', default: false, transform: 'boolean' },
      { target: 'source', transform: 'constant', value: 'nordic-apparel' },
    ];
    expect(await run(rules, sampleEvent('order.shipped'))).toEqual({
      event: 'order.shipped',
      order: { id: 'ord_7Q2M9K4XHB', reference: 'po-2026-004817' },
      shipment: { carrier: 'DHL EXPRESS', tracking: 'JD014600006281230704', shippedOn: '2026-05-05', shippedAtUnix: Date.parse('2026-05-05T14:03:10Z') / 1000 },
      skus: 'TSHIRT-ORG-M-NAVY;HOODIE-ZIP-L-GREY',
      quantities: ['2', '1'],
      firstSku: 'TSHIRT-ORG-M-NAVY',
      total: 149.7,
      gift: false,
      source: 'nordic-apparel',
    });
  });

  it('writes missing and null inputs as null, or as the default', async () => {
    const rules: MappingRule[] = [
      { target: 'a', source: 'data.nothing.here' },
      { target: 'b', source: 'data.nothing', default: 'n/a' },
      { target: 'c', source: 'data.items[].missing' },
      { target: 'd', source: 'data.nothing', transform: 'date' },
      { target: 'e', source: 'data.nothing', transform: 'join' },
    ];
    expect(await run(rules, { data: { items: [{}, {}] } })).toEqual({ a: null, b: 'n/a', c: [null, null], d: null, e: null });
  });

  it.each(['quote " backslash \\ slash /', 'new\nline\r\ttab', 'emoji 😀 and Zoë, 東京, \u2028\u2029', '%> <% it.x %> <%= it %>', '</script>', '\u0000 nul'])(
    'keeps the output valid JSON for the hostile value %j, also as a default and a constant',
    async (hostile) => {
      const rules: MappingRule[] = [
        { target: 'value', source: 'data.v' },
        { target: 'upper', source: 'data.v', transform: 'upper' },
        { target: 'fallback', source: 'data.missing', default: hostile },
        { target: 'constant', transform: 'constant', value: hostile },
        { target: 'joined', source: 'data.list[]', transform: 'join', separator: hostile },
      ];
      const out = (await run(rules, { data: { v: hostile, list: [hostile, hostile] } })) as Record<string, unknown>;
      expect(out.value).toBe(hostile);
      expect(out.upper).toBe(hostile.toUpperCase());
      expect(out.fallback).toBe(hostile);
      expect(out.constant).toBe(hostile);
      expect(out.joined).toBe(`${hostile}${hostile}${hostile}`);
    },
  );

  it('accepts hostile characters in target names', async () => {
    expect(await run([{ target: "it's 'odd' key!", source: 'x' }], { x: 1 })).toEqual({ "it's 'odd' key!": 1 });
  });

  it('reports every bad rule with its position', () => {
    try {
      compileMapping([
        { target: 'a', source: 'x' },
        { target: 'a', source: 'y' },
        { target: 'a.b', source: 'z' },
        { target: '', source: 'q' },
        { target: 'd', source: 'not a path!' },
        { target: 'e', source: 'x', transform: 'date', format: '<%= evil %>' },
        { target: 'f', source: 'x', transform: 'explode' as never },
      ]);
      throw new Error('expected a MappingError');
    } catch (e) {
      expect(e).toBeInstanceOf(MappingError);
      expect((e as MappingError).problems.map((p) => [p.rule, p.field])).toEqual([
        [1, 'target'],
        [2, 'target'],
        [3, 'target'],
        [4, 'source'],
        [5, 'format'],
        [6, 'transform'],
      ]);
    }
    expect(() => compileMapping([])).toThrow(MappingError);
  });

  it('compiles to a readable template that can be edited by hand', () => {
    const body = compileMapping([
      { target: 'order.id', source: 'data.id' },
      { target: 'carrier', source: 'data.shipment.carrier', default: 'unknown', transform: 'upper' },
    ]);
    expect(body).toBe(
      '{\n  "order": {\n    "id": <%~ json(get(it, "data.id")) %>\n  },\n  "carrier": <%~ json(upper((get(it, "data.shipment.carrier") ?? "unknown"))) %>\n}\n',
    );
  });

  it('lists the field paths of an input, with [] for array elements', () => {
    const fields = listFields(sampleEvent('order.shipped'));
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(byPath.get('data.shipment.trackingNumber')).toEqual({ path: 'data.shipment.trackingNumber', type: 'string', example: 'JD014600006281230704' });
    expect(byPath.get('data.items')).toEqual({ path: 'data.items', type: 'array' });
    expect(byPath.get('data.items[].sku')?.type).toBe('string');
    expect(byPath.get('data.items[].quantity')).toEqual({ path: 'data.items[].quantity', type: 'number', example: 2 });
    expect(byPath.get('data.shipment.packages[].dimensionsCm.length')?.type).toBe('number');
  });
});
