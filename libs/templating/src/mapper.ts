/**
 * The Template Mapper: a list of rules (output path ← input path, optional default, a transform)
 * compiled to an Eta template. There is one render path: the mapper produces an ordinary template
 * body (which the operator may then edit by hand), rendered like any other.
 *
 * It writes three formats: `json` (nested objects from dotted targets), `xml` (nested elements
 * under one root element, values through the `xml()` escaping helper, one element per value of a
 * `[]` source) and `form` (a flat JSON object: each target is one field name).
 */
export const MAPPING_TRANSFORMS = ['none', 'string', 'number', 'boolean', 'upper', 'lower', 'trim', 'date', 'join', 'constant'] as const;
export type MappingTransform = (typeof MAPPING_TRANSFORMS)[number];

export interface MappingRule {
  /** Where in the output, dotted: `shipment.trackingNumber`. */
  target: string;
  /** Where in the input, dotted, `[n]` for an index, `[]` for every element: `data.items[].sku`. */
  source?: string;
  /** Used when the source is missing or null. */
  default?: unknown;
  transform?: MappingTransform;
  /** `date`: a pattern of YYYY MM DD HH mm ss SSS (UTC), or `iso`, `unix`, `unixMs`. */
  format?: string;
  /** `join`: the separator (default ", "). */
  separator?: string;
  /** `constant`: the value written. */
  value?: unknown;
}

export interface MappingProblem {
  rule: number;
  field: string;
  message: string;
}

export class MappingError extends Error {
  constructor(readonly problems: MappingProblem[]) {
    super(problems.map((p) => `rule ${p.rule + 1} ${p.field}: ${p.message}`).join('; '));
    this.name = 'MappingError';
  }
}

const SOURCE_PATH = /^[A-Za-z_$][\w$-]*(\[\d*\])?(\.[A-Za-z_$][\w$-]*(\[\d*\])?)*$/;
// Names are written with JSON.stringify, outside any Eta tag: only "<" and "%" (which could open or
// close a tag), the dot (the separator) and control characters are refused.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const TARGET_SEGMENT = /^[^.<>%\u0000-\u001f]{1,100}$/;
const DATE_FORMAT = /^(iso|unix|unixMs|[YMDHmsS\-:/. T_,]+)$/;

// An XML element name as the mapper writes it: a letter or underscore, then letters, digits, _ and -.
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/** The formats the mapper writes. */
export const MAPPING_FORMATS = ['json', 'xml', 'form'] as const;
export type MappingFormat = (typeof MAPPING_FORMATS)[number];

/** A value expression, and whether the source yields a list (`[]` in it), for XML's repeated elements. */
interface Leaf {
  expr: string;
  list: boolean;
}
type Tree = Map<string, Tree | Leaf>;

/** Checks the rules and returns the Eta body they compile to. Throws MappingError listing every problem. */
export function compileMapping(rules: readonly MappingRule[], format: MappingFormat = 'json'): string {
  const problems: MappingProblem[] = [];
  const tree: Tree = new Map();
  if (!(MAPPING_FORMATS as readonly string[]).includes(format)) {
    throw new MappingError([{ rule: 0, field: 'format', message: `the mapper writes ${MAPPING_FORMATS.join(', ')}` }]);
  }
  if (rules.length === 0) problems.push({ rule: 0, field: 'rules', message: 'at least one rule is needed' });
  let root: string | undefined;
  rules.forEach((rule, i) => {
    const value = valueExpression(rule, i, problems);
    const segments = typeof rule.target === 'string' ? rule.target.split('.') : [];
    if (segments.length === 0 || !segments.every((s) => TARGET_SEGMENT.test(s))) {
      problems.push({
        rule: i,
        field: 'target',
        message: 'must be a dotted path of non-empty names (at most 100 characters each, without < > % or control characters)',
      });
      return;
    }
    if (format === 'form' && segments.length > 1) {
      problems.push({
        rule: i,
        field: 'target',
        message: `form fields are flat: a target is one field name, such as ${segments.join('_')} or ${segments[0]}[${segments.slice(1).join('][')}]`,
      });
      return;
    }
    if (format === 'xml') {
      if (!segments.every((s) => XML_NAME.test(s))) {
        problems.push({ rule: i, field: 'target', message: 'XML element names start with a letter or _ and hold only letters, digits, _ and -' });
        return;
      }
      root ??= segments[0];
      if (segments[0] !== root) {
        problems.push({
          rule: i,
          field: 'target',
          message: `XML has one root element: every target starts with ${root}. (such as ${root}.${segments.join('.')})`,
        });
        return;
      }
    }
    if (value === undefined) return;
    const expr: Leaf = { expr: value, list: rule.transform !== 'join' && rule.transform !== 'constant' && (rule.source ?? '').includes('[]') };
    let node = tree;
    for (let s = 0; s < segments.length; s++) {
      const key = segments[s];
      const last = s === segments.length - 1;
      const existing = node.get(key);
      if (last) {
        if (existing !== undefined) {
          problems.push({ rule: i, field: 'target', message: `"${rule.target}" is already mapped${isLeaf(existing) ? '' : ' as an object'}` });
          return;
        }
        node.set(key, expr);
      } else {
        if (existing !== undefined && isLeaf(existing)) {
          problems.push({ rule: i, field: 'target', message: `"${segments.slice(0, s + 1).join('.')}" is already mapped to a value` });
          return;
        }
        const child: Tree = existing ?? new Map<string, Tree | Leaf>();
        node.set(key, child);
        node = child;
      }
    }
  });
  if (problems.length > 0) throw new MappingError(problems);
  if (format === 'xml') return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXml(tree, '')}`;
  return `${render(tree, '')}\n`;
}

function isLeaf(node: Tree | Leaf): node is Leaf {
  return !(node instanceof Map);
}

function render(tree: Tree, indent: string): string {
  const inner = `${indent}  `;
  const lines = [...tree].map(([key, value]) => `${inner}${JSON.stringify(key)}: ${isLeaf(value) ? `<%~ json(${value.expr}) %>` : render(value, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** Elements, one per line; a list source repeats its element once per value (nested lists flattened, none for an empty list). */
function renderXml(tree: Tree, indent: string): string {
  return [...tree]
    .map(([name, value]) => {
      if (!isLeaf(value)) return `${indent}<${name}>\n${renderXml(value, `${indent}  `)}${indent}</${name}>\n`;
      if (!value.list) return `${indent}<${name}><%~ xml(${value.expr}) %></${name}>\n`;
      return `${indent}<% for (const value of [].concat(${value.expr} ?? []).flat(Infinity)) { %><${name}><%~ xml(value) %></${name}><% } %>\n`;
    })
    .join('');
}

function literal(value: unknown): string {
  // Inside <%~ %>: a JS literal that cannot close the tag.
  return JSON.stringify(value ?? null)
    .replace(/%>/g, '%\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function valueExpression(rule: MappingRule, i: number, problems: MappingProblem[]): string | undefined {
  const transform = rule.transform ?? 'none';
  if (!(MAPPING_TRANSFORMS as readonly string[]).includes(transform)) {
    problems.push({ rule: i, field: 'transform', message: `must be one of ${MAPPING_TRANSFORMS.join(', ')}` });
    return undefined;
  }
  if (transform === 'constant') return literal(rule.value);
  if (typeof rule.source !== 'string' || !SOURCE_PATH.test(rule.source)) {
    problems.push({ rule: i, field: 'source', message: 'must be a dotted path such as data.shipment.trackingNumber or data.items[].sku' });
    return undefined;
  }
  let expr = `get(it, ${JSON.stringify(rule.source)})`;
  if (rule.default !== undefined) expr = `(${expr} ?? ${literal(rule.default)})`;
  switch (transform) {
    case 'none':
      return expr;
    case 'string':
    case 'number':
    case 'boolean':
    case 'upper':
    case 'lower':
    case 'trim':
      return `${transform}(${expr})`;
    case 'date': {
      const format = rule.format ?? 'iso';
      if (!DATE_FORMAT.test(format)) {
        problems.push({ rule: i, field: 'format', message: 'must be iso, unix, unixMs or a pattern of YYYY MM DD HH mm ss SSS and separators' });
        return undefined;
      }
      return `date(${expr}, ${JSON.stringify(format)})`;
    }
    case 'join':
      return `join(${expr}, ${literal(rule.separator ?? ', ')})`;
  }
}

export interface FieldInfo {
  path: string;
  type: 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
  example?: unknown;
}

/** The field paths of an input, for a mapper UI: `data.items[].sku` for array elements. */
export function listFields(input: unknown, limit = 500): FieldInfo[] {
  const out = new Map<string, FieldInfo>();
  const walk = (value: unknown, path: string): void => {
    if (out.size >= limit) return;
    const type = typeOf(value);
    if (path) {
      const existing = out.get(path);
      if (!existing) out.set(path, { path, type, ...(isScalar(type) ? { example: value } : {}) });
    }
    if (type === 'array') for (const el of (value as unknown[]).slice(0, 20)) walk(el, `${path}[]`);
    else if (type === 'object') for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(input, '');
  return [...out.values()];
}

function typeOf(v: unknown): FieldInfo['type'] {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
}

function isScalar(t: FieldInfo['type']): boolean {
  return t !== 'object' && t !== 'array';
}
