import { sampleEvent } from '@postback/contracts';
import { XMLParser } from 'fast-xml-parser';
import { compileMapping, MappingError, MappingRule } from './mapper';
import { TemplateRenderer } from './template-renderer';

const HOSTILE = ['Tom & Jerry <tj@example.com>', `"quoted" and 'apostrophe'`, '%> <% it.x %> <%= it %>', ']]> <!-- x -->', 'a+b=c&d', 'Zoë 東京 😀'];

describe('Template Mapper: xml and form', () => {
  let renderer: TemplateRenderer;
  beforeAll(() => {
    renderer = new TemplateRenderer({ workers: 1 });
  });
  afterAll(async () => {
    await renderer.close();
  });

  const problemsOf = (rules: MappingRule[], format: 'xml' | 'form'): Array<[number, string, string]> => {
    try {
      compileMapping(rules, format);
    } catch (e) {
      if (e instanceof MappingError) return e.problems.map((p) => [p.rule, p.field, p.message]);
      throw e;
    }
    throw new Error('expected a MappingError');
  };

  describe('xml', () => {
    const parse = (xml: string) => new XMLParser({ parseTagValue: false, isArray: (name) => name === 'sku' }).parse(xml) as Record<string, unknown>;

    it('writes nested elements under one root, with the escaping helper', () => {
      const body = compileMapping(
        [
          { target: 'order.id', source: 'data.id' },
          { target: 'order.shipment.carrier', source: 'data.shipment.carrier', default: 'unknown', transform: 'upper' },
        ],
        'xml',
      );
      expect(body).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<order>\n  <id><%~ xml(get(it, "data.id")) %></id>\n  <shipment>\n' +
          '    <carrier><%~ xml(upper((get(it, "data.shipment.carrier") ?? "unknown"))) %></carrier>\n  </shipment>\n</order>\n',
      );
    });

    it('renders the order.shipped sample as well-formed XML, one element per value of a [] source', async () => {
      const body = compileMapping(
        [
          { target: 'order.id', source: 'data.id' },
          { target: 'order.event', source: 'type' },
          { target: 'order.shipment.tracking', source: 'data.shipment.trackingNumber' },
          { target: 'order.shippedOn', source: 'data.shipment.shippedAt', transform: 'date', format: 'YYYY-MM-DD' },
          { target: 'order.items.sku', source: 'data.items[].sku' },
          { target: 'order.skuList', source: 'data.items[].sku', transform: 'join', separator: ';' },
          { target: 'order.gift', source: 'data.gift', default: false, transform: 'boolean' },
          { target: 'order.note', source: 'data.nothing' },
          { target: 'order.source', transform: 'constant', value: 'nordic-apparel' },
        ],
        'xml',
      );
      const out = await renderer.render({ body, format: 'xml' }, sampleEvent('order.shipped'));
      expect(parse(out.output)).toEqual({
        '?xml': '',
        order: {
          id: 'ord_7Q2M9K4XHB',
          event: 'order.shipped',
          shipment: { tracking: 'JD014600006281230704' },
          shippedOn: '2026-05-05',
          items: { sku: ['TSHIRT-ORG-M-NAVY', 'HOODIE-ZIP-L-GREY'] },
          skuList: 'TSHIRT-ORG-M-NAVY;HOODIE-ZIP-L-GREY',
          gift: 'false',
          note: '',
          source: 'nordic-apparel',
        },
      });
    });

    it('writes no element for an empty list', async () => {
      const body = compileMapping([{ target: 'order.items.sku', source: 'data.items[].sku' }], 'xml');
      const out = await renderer.render({ body, format: 'xml' }, { data: { items: [] } });
      expect(out.output).toContain('<items>\n    \n  </items>');
    });

    it.each(HOSTILE)('keeps the output well-formed for the hostile value %j, also as a default and a constant', async (hostile) => {
      const body = compileMapping(
        [
          { target: 'r.value', source: 'data.v' },
          { target: 'r.fallback', source: 'data.missing', default: hostile },
          { target: 'r.constant', transform: 'constant', value: hostile },
          { target: 'r.list', source: 'data.list[]' },
        ],
        'xml',
      );
      const out = await renderer.render({ body, format: 'xml' }, { data: { v: hostile, list: [hostile] } });
      expect(new XMLParser({ parseTagValue: false, processEntities: true }).parse(out.output)).toEqual({
        '?xml': '',
        r: { value: hostile, fallback: hostile, constant: hostile, list: hostile },
      });
    });

    it('refuses targets that are not XML names, and a second root', () => {
      expect(
        problemsOf(
          [
            { target: 'order.id', source: 'data.id' },
            { target: 'shipment.carrier', source: 'data.shipment.carrier' },
            { target: 'order.1st', source: 'data.id' },
            { target: "order.it's", source: 'data.id' },
          ],
          'xml',
        ),
      ).toEqual([
        [1, 'target', 'XML has one root element: every target starts with order. (such as order.shipment.carrier)'],
        [2, 'target', expect.stringContaining('XML element names start with a letter') as string],
        [3, 'target', expect.stringContaining('XML element names') as string],
      ]);
    });
  });

  describe('form', () => {
    it('writes a flat JSON object that renders as form fields, lists repeated', async () => {
      const body = compileMapping(
        [
          { target: 'order_id', source: 'data.id' },
          { target: 'carrier', source: 'data.shipment.carrier', transform: 'upper' },
          { target: 'sku[]', source: 'data.items[].sku' },
          { target: 'total', source: 'data.total.amount' },
          { target: 'note', source: 'data.nothing' },
        ],
        'form',
      );
      expect(body).toBe(
        '{\n  "order_id": <%~ json(get(it, "data.id")) %>,\n  "carrier": <%~ json(upper(get(it, "data.shipment.carrier"))) %>,\n' +
          '  "sku[]": <%~ json(get(it, "data.items[].sku")) %>,\n  "total": <%~ json(get(it, "data.total.amount")) %>,\n' +
          '  "note": <%~ json(get(it, "data.nothing")) %>\n}\n',
      );
      const out = await renderer.render({ body, format: 'form' }, sampleEvent('order.shipped'));
      expect(out.contentType).toBe('application/x-www-form-urlencoded');
      expect(out.output).toBe('order_id=ord_7Q2M9K4XHB&carrier=DHL+EXPRESS&sku%5B%5D=TSHIRT-ORG-M-NAVY&sku%5B%5D=HOODIE-ZIP-L-GREY&total=149.7&note=');
    });

    it.each(HOSTILE)('encodes the hostile value %j so that the receiver decodes it unchanged', async (hostile) => {
      const body = compileMapping(
        [
          { target: 'value', source: 'data.v' },
          { target: 'constant', transform: 'constant', value: hostile },
          { target: hostile.replace(/[.<>%]/g, '_'), source: 'data.v' },
        ],
        'form',
      );
      const out = await renderer.render({ body, format: 'form' }, { data: { v: hostile } });
      expect([...new URLSearchParams(out.output)]).toEqual([
        ['value', hostile],
        ['constant', hostile],
        [hostile.replace(/[.<>%]/g, '_'), hostile],
      ]);
    });

    it('refuses dotted targets: form fields are flat', () => {
      expect(problemsOf([{ target: 'shipment.carrier', source: 'data.shipment.carrier' }], 'form')).toEqual([
        [0, 'target', 'form fields are flat: a target is one field name, such as shipment_carrier or shipment[carrier]'],
      ]);
    });

    it('fails the render, naming the field, when a source yields an object', async () => {
      const body = compileMapping([{ target: 'shipment', source: 'data.shipment' }], 'form');
      await expect(renderer.render({ body, format: 'form' }, sampleEvent('order.shipped'))).rejects.toMatchObject({
        code: 'TEMPLATE_OUTPUT',
        message: expect.stringContaining('form field "shipment" is an object') as string,
      });
    });
  });
});
