import type { FieldError } from '../../api/client';
import type { FieldInfo, MappingRule } from '../../api/queries';

export const TRANSFORMS: Array<{ value: MappingRule['transform']; label: string }> = [
  { value: 'none', label: 'As it is' },
  { value: 'string', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'Yes/no (boolean)' },
  { value: 'upper', label: 'UPPER CASE' },
  { value: 'lower', label: 'lower case' },
  { value: 'trim', label: 'Trim spaces' },
  { value: 'date', label: 'Date' },
  { value: 'join', label: 'Join a list' },
  { value: 'constant', label: 'Fixed value' },
];

export interface FieldNode {
  /** The segment shown: `shipment`, `items[]`. */
  name: string;
  path: string;
  info?: FieldInfo;
  children: FieldNode[];
}

/** The flat field list (`data.items[].sku`) as a tree, in the input's order. */
export function fieldTree(fields: FieldInfo[]): FieldNode[] {
  const root: FieldNode = { name: '', path: '', children: [] };
  const byPath = new Map<string, FieldNode>([['', root]]);
  for (const f of fields) {
    const segments = f.path.split('.');
    let parentPath = '';
    let node = root;
    segments.forEach((segment, i) => {
      const path = parentPath ? `${parentPath}.${segment}` : segment;
      let child = byPath.get(path);
      if (!child) {
        child = { name: segment, path, children: [] };
        byPath.set(path, child);
        node.children.push(child);
      }
      if (i === segments.length - 1) child.info = f;
      node = child;
      parentPath = path;
    });
  }
  return root.children;
}

/** A target name for a source path: `data.shipment.trackingNumber` → `trackingNumber`, `data.items[].sku` → `skus`. */
export function targetFor(source: string, taken: string[]): string {
  const segments = source.split('.');
  const last = segments[segments.length - 1].replace(/\[\d*\]$/, '');
  const listed = source.includes('[]') && !last.endsWith('s') ? `${last}s` : last;
  let name = listed || 'value';
  for (let n = 2; taken.includes(name); n++) name = `${listed}${n}`;
  return name;
}

/** Field errors of rule `index`, by the rule's field: from `mapping[2].source` or `mapping.2.source`. */
export function ruleErrors(errors: FieldError[], index: number): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const m = /^mapping(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?/.exec(e.field);
    if (!m || Number(m[1] ?? m[2]) !== index) continue;
    const field = m[3] ?? 'target';
    (out[field] ??= []).push(e.message);
  }
  return out;
}

export interface JsonProblem {
  message: string;
  line: number;
  column: number;
}

/** Parses JSON text; on failure, where the problem is (line and column), for the editor to mark. */
export function parseJsonObject(text: string): { value?: Record<string, unknown>; problem?: JsonProblem } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { problem: { message: 'The input must be a JSON object: { … }', line: 1, column: 1 } };
    return { value: value as Record<string, unknown> };
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    if (lineCol) return { problem: { message, line: Number(lineCol[1]), column: Number(lineCol[2]) } };
    const pos = at ? Number(at[1]) : text.length;
    const before = text.slice(0, pos).split('\n');
    return { problem: { message, line: before.length, column: before[before.length - 1].length + 1 } };
  }
}

/** A default typed as text in the form: JSON when it parses (42, true, "x", {…}), the text itself otherwise. */
export function parseDefault(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function showDefault(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
