import { sampleEvent } from '@postback/contracts';
import { XMLParser } from 'fast-xml-parser';
import { OutputSchemas, outputSchemaNotChecked, outputSchemaSubject } from './output-schema';
import { TemplateError } from './template-errors';
import { TemplateFormat, TemplateRenderer } from './template-renderer';

const HOSTILE = [
  'Tom & Jerry <tj@example.com>',
  `quotes " and ' apostrophes`,
  ']]> and <![CDATA[ and <!-- comment -->',
  'unicode: Zoë Åsa 東京 😀',
  'a+b=c&d=e?f#g%20 100%',
];

const XML_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<order id="<%= it.data.id %>" reference="<%~ xml(it.data.reference) %>">
  <status><%= it.type %></status>
  <recipient><%~ xml(it.data.shippingAddress?.name) %></recipient>
<% for (const item of it.data.items || []) { %>  <item sku="<%= item.sku %>"><%~ xml(item.quantity) %></item>
<% } %></order>
`;

describe('payload formats: xml and form', () => {
  let renderer: TemplateRenderer;

  beforeAll(() => {
    renderer = new TemplateRenderer({ timeoutMs: 500, workers: 1, quarantineMs: 1000, workerHeapMb: 64 });
  });
  afterAll(async () => {
    await renderer.close();
  });

  async function failure(body: string, format: TemplateFormat, input: unknown = {}): Promise<TemplateError> {
    try {
      await renderer.render({ body, format }, input);
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
    throw new Error('expected the render to fail');
  }

  describe('xml', () => {
    it('renders the sample event as well-formed XML with its content type', async () => {
      const result = await renderer.render({ body: XML_TEMPLATE, format: 'xml' }, sampleEvent('order.shipped'));
      expect(result.contentType).toBe('application/xml; charset=utf-8');
      expect(result.bytes).toBe(Buffer.byteLength(result.output));
      expect(result.document).toBeUndefined();
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(result.output) as {
        order: { '@id': string; status: string; recipient: string; item: Array<{ '@sku': string; '#text': number }> };
      };
      expect(parsed.order['@id']).toBe('ord_7Q2M9K4XHB');
      expect(parsed.order.status).toBe('order.shipped');
      expect(parsed.order.recipient).toBe('Åsa Lindqvist');
      expect(parsed.order.item.map((i) => i['@sku'])).toEqual(['TSHIRT-ORG-M-NAVY', 'HOODIE-ZIP-L-GREY']);
    });

    it.each(HOSTILE)('escapes %j in xml() and <%%= %%>, in text and in attributes', async (hostile) => {
      const event = sampleEvent('order.shipped');
      event.data.reference = hostile;
      event.data.shippingAddress = { name: hostile };
      const result = await renderer.render({ body: XML_TEMPLATE, format: 'xml' }, event);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, parseTagValue: false }).parse(result.output) as {
        order: { '@reference': string; recipient: string };
      };
      expect(parsed.order['@reference']).toBe(hostile);
      expect(parsed.order.recipient).toBe(hostile);
    });

    it('xml() writes nothing for null and undefined, JSON text for objects, and replaces characters XML forbids', async () => {
      const result = await renderer.render(
        { body: '<r><a><%~ xml(it.missing) %></a><b><%~ xml(null) %></b><c><%~ xml(it.o) %></c><d><%~ xml(it.ctl) %></d></r>', format: 'xml' },
        { o: { k: '<v>' }, ctl: 'bell\u0007 tab\t' },
      );
      expect(result.output).toBe('<r><a></a><b></b><c>{&quot;k&quot;:&quot;&lt;v&gt;&quot;}</c><d>bell\uFFFD tab\t</d></r>');
    });

    it('refuses output that is not well-formed, naming the output line', async () => {
      const e = await failure('<order>\n  <id><%= it.id %></id>\n  <status>shipped</state>\n</order>', 'xml', { id: 'ord_1' });
      expect(e.code).toBe('TEMPLATE_OUTPUT');
      expect(e.message).toMatch(/not well-formed XML \(output line 3, column \d+\)/);
      expect(e.message).toContain("Expected closing tag 'status'");
      expect(e.output).toContain('</state>');
    });

    it('refuses a raw ampersand written without the helper', async () => {
      const e = await failure('<r>\n<n><%~ it.name %></n>\n</r>', 'xml', { name: 'Tom & Jerry' });
      expect(e.code).toBe('TEMPLATE_OUTPUT');
      expect(e.message).toMatch(/output line 2/);
    });

    it('refuses a control character written raw, naming its line', async () => {
      const e = await failure('<r>\n<n><%~ it.name %></n>\n</r>', 'xml', { name: 'bell\u0007' });
      expect(e.message).toMatch(/not well-formed XML \(output line 2, column 8\): U\+0007 is not allowed/);
    });

    it('refuses empty output', async () => {
      const e = await failure('<% if (false) { %><r/><% } %>', 'xml');
      expect(e.code).toBe('TEMPLATE_OUTPUT');
      expect(e.message).toContain('not well-formed XML');
    });
  });

  describe('form', () => {
    const decode = (body: string) => [...new URLSearchParams(body)];

    it('encodes the rendered JSON object as application/x-www-form-urlencoded, keeping the object', async () => {
      const body = '{ "order_id": <%~ json(it.data.id) %>, "total": <%~ json(it.data.total.amount) %>, "paid": true, "note": null }';
      const result = await renderer.render({ body, format: 'form' }, sampleEvent('order.shipped'));
      expect(result.contentType).toBe('application/x-www-form-urlencoded');
      expect(result.output).toBe('order_id=ord_7Q2M9K4XHB&total=149.7&paid=true&note=');
      expect(result.bytes).toBe(Buffer.byteLength(result.output));
      expect(JSON.parse(result.document as string)).toMatchObject({ order_id: 'ord_7Q2M9K4XHB', paid: true, note: null });
    });

    it.each(HOSTILE)('percent-encodes %j so that the receiver decodes it unchanged', async (hostile) => {
      const result = await renderer.render({ body: '{ "name": "<%= it.v %>", <%~ json(it.v) %>: "key" }', format: 'form' }, { v: hostile });
      expect(result.output).not.toMatch(/[^A-Za-z0-9*\-._+%=&]/);
      expect(decode(result.output)).toEqual([
        ['name', hostile],
        [hostile, 'key'],
      ]);
    });

    it('writes spaces as + and multi-byte characters as their UTF-8 bytes', async () => {
      const result = await renderer.render({ body: '{ "q": "a b", "city": "Zoë 東" }', format: 'form' }, {});
      expect(result.output).toBe('q=a+b&city=Zo%C3%AB+%E6%9D%B1');
    });

    it('repeats a field for each element of a list of scalars; an empty list writes nothing', async () => {
      const result = await renderer.render(
        { body: '{ "sku": <%~ json(it.data.items.map((i) => i.sku)) %>, "none": [], "after": 1 }', format: 'form' },
        sampleEvent('order.shipped'),
      );
      expect(result.output).toBe('sku=TSHIRT-ORG-M-NAVY&sku=HOODIE-ZIP-L-GREY&after=1');
    });

    it('accepts bracket names written as plain field names', async () => {
      const result = await renderer.render({ body: '{ "customer[email]": "a@b.example", "tags[]": ["x", "y"] }', format: 'form' }, {});
      expect(result.output).toBe('customer%5Bemail%5D=a%40b.example&tags%5B%5D=x&tags%5B%5D=y');
    });

    it('refuses a nested object, naming the field and the flat alternative', async () => {
      const e = await failure('{ "id": 1, "customer": { "email": "a@b.example" } }', 'form');
      expect(e.code).toBe('TEMPLATE_OUTPUT');
      expect(e.message).toContain('form field "customer" is an object: form fields are flat');
      expect(e.message).toContain('"customer[email]"');
    });

    it('refuses a list holding objects or lists', async () => {
      expect((await failure('{ "items": [{ "sku": "A" }] }', 'form')).message).toContain('form field "items" is a list holding an object');
      expect((await failure('{ "m": [[1]] }', 'form')).message).toContain('form field "m" is a list holding a list');
    });

    it('refuses output that is not a JSON object', async () => {
      expect((await failure('[1, 2]', 'form')).message).toContain('must render a JSON object of fields, not an array');
      expect((await failure('"x"', 'form')).message).toContain('not a string');
      const bad = await failure('{\n  "a": 1\n  "b": 2\n}', 'form');
      expect(bad.message).toMatch(/output is not valid JSON \(output line 3, column \d+\)/);
    });

    it('applies the output size limit to the encoded form', async () => {
      const small = new TemplateRenderer({ workers: 1, maxOutputBytes: 100 });
      try {
        // 40 characters of JSON, 120 bytes once each "ü" is percent-encoded as %C3%BC.
        await expect(small.render({ body: `{ "a": "${'ü'.repeat(20)}" }`, format: 'form' }, {})).rejects.toMatchObject({
          code: 'TEMPLATE_TOO_LARGE',
          message: expect.stringContaining('the encoded form is 122 bytes') as string,
        });
      } finally {
        await small.close();
      }
    });
  });

  describe('output schema', () => {
    const schema = { type: 'object', required: ['id', 'total'], properties: { id: { type: 'string' }, total: { type: 'number' } } };

    it("checks a form's JSON object (numbers stay numbers), not its encoded text", async () => {
      const schemas = new OutputSchemas();
      const good = await renderer.render({ body: '{ "id": "ord_1", "total": 12.5 }', format: 'form' }, {});
      expect(outputSchemaSubject('form', good)).toBe('{ "id": "ord_1", "total": 12.5 }');
      expect(schemas.check(schema, outputSchemaSubject('form', good) as string)).toEqual([]);
      const bad = await renderer.render({ body: '{ "id": 7, "total": "12.5" }', format: 'form' }, {});
      expect(schemas.check(schema, outputSchemaSubject('form', bad) as string).map((i) => i.path)).toEqual(['/id', '/total']);
      expect(outputSchemaNotChecked('form')).toBeUndefined();
    });

    it('does not check XML, and says why', async () => {
      const xml = await renderer.render({ body: '<r/>', format: 'xml' }, {});
      expect(outputSchemaSubject('xml', xml)).toBeUndefined();
      expect(outputSchemaNotChecked('xml')).toContain('xml payloads are not checked');
      expect(outputSchemaSubject('json', { output: '{}' })).toBe('{}');
    });
  });
});
