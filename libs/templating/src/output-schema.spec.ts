import { describeSchemaIssues, MAX_SCHEMA_ISSUES, OutputSchemas } from './output-schema';

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['orderNumber', 'total'],
  additionalProperties: false,
  properties: {
    orderNumber: { type: 'string', pattern: '^PO-' },
    total: { type: 'number', minimum: 0 },
    status: { enum: ['SHIPPED', 'DELIVERED'] },
    contact: { type: 'string', format: 'email' },
    lines: { type: 'array', items: { type: 'object', required: ['sku'] } },
    'a/b': { type: 'string' },
  },
};

describe('output schemas', () => {
  const schemas = new OutputSchemas();

  it('accepts a payload that meets the contract', () => {
    expect(schemas.check(schema, '{"orderNumber": "PO-1", "total": 12.5, "status": "SHIPPED", "contact": "a@b.example"}')).toEqual([]);
  });

  it('names every failing path as a JSON pointer, with the reason', () => {
    const issues = schemas.check(schema, '{"orderNumber": 7, "status": "LOST", "contact": "nope", "lines": [{"sku": "x"}, {}], "extra": 1, "a/b": 2}');
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: '/orderNumber', message: 'must be string' },
        { path: '/total', message: 'is required' },
        { path: '/status', message: 'must be one of ["SHIPPED","DELIVERED"]' },
        { path: '/contact', message: 'must match format "email"' },
        { path: '/lines/1/sku', message: 'is required' },
        { path: '/extra', message: 'is not allowed by the schema' },
        { path: '/a~1b', message: 'must be string' },
      ]),
    );
    expect(describeSchemaIssues(issues)).toContain('/total is required');
  });

  it('reports output that is not JSON, and at most a bounded number of issues', () => {
    expect(schemas.check(schema, 'not json')[0].message).toMatch(/^the output is not JSON/);
    const many = { type: 'object', properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, { type: 'string' }])) };
    const output = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i])));
    expect(schemas.check(many, output)).toHaveLength(MAX_SCHEMA_ISSUES);
  });

  it('says why a schema cannot be used', () => {
    expect(schemas.problem({ type: 'nonsense' })).toMatch(/schema is invalid/);
    expect(schemas.problem([])).toBe('must be a JSON Schema object');
    expect(schemas.problem({ $ref: 'https://example.com/remote.json' })).toMatch(/can't resolve reference/);
    expect(schemas.problem(schema)).toBeUndefined();
  });

  it('compiles an edited schema with the same $id again', () => {
    expect(schemas.check({ $id: 'https://shop.example/contracts/order.json', type: 'object', required: ['a'] }, '{}')).toHaveLength(1);
    expect(schemas.check({ $id: 'https://shop.example/contracts/order.json', type: 'object' }, '{}')).toEqual([]);
  });
});

describe('output schema cache', () => {
  it('compiles a schema object once, however often it checks with it', () => {
    const schemas = new OutputSchemas();
    const schema = { type: 'object', required: ['a'] };
    const compile = jest.spyOn((schemas as unknown as { ajv: { compile: (s: object) => unknown } }).ajv, 'compile');
    for (let i = 0; i < 5; i++) expect(schemas.check(schema, '{"a": 1}')).toEqual([]);
    expect(schemas.check({ ...schema }, '{}')).toEqual([{ path: '/a', message: 'is required' }]);
    expect(compile).toHaveBeenCalledTimes(1);
  });
});
