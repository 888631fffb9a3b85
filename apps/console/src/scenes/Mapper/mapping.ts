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

/** How a default or fixed value typed in the form is meant: as text, or as a JSON value of a type. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'json';

/**
 * A mapping rule as the form holds it: a stable id (React key, focus and error placement survive
 * reordering), and the default and fixed value as typed, with the kind they are meant as. Parsed
 * into the API's rule only when a request is built.
 */
export interface RuleDraft {
  id: number;
  target: string;
  source: string;
  transform: MappingRule['transform'];
  format: string;
  separator: string;
  defaultText: string;
  defaultKind: ValueKind;
  valueText: string;
  valueKind: ValueKind;
}

let nextRuleId = 1;

export function newDraft(patch: Partial<RuleDraft> = {}): RuleDraft {
  return {
    id: nextRuleId++,
    target: '',
    source: '',
    transform: 'none',
    format: '',
    separator: '',
    defaultText: '',
    defaultKind: 'text',
    valueText: '',
    valueKind: 'text',
    ...patch,
  };
}

function kindOf(value: unknown): ValueKind {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}

function textOf(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function draftOf(rule: MappingRule): RuleDraft {
  return newDraft({
    target: rule.target,
    source: rule.source ?? '',
    transform: rule.transform ?? 'none',
    format: rule.format ?? '',
    separator: rule.separator ?? '',
    defaultText: textOf(rule.default),
    defaultKind: rule.default === undefined ? 'text' : kindOf(rule.default),
    valueText: textOf(rule.value),
    valueKind: rule.value === undefined ? 'text' : kindOf(rule.value),
  });
}

/** The typed text as a value of its kind; `problem` when it is not one (e.g. "abc" as a number). */
export function parseValue(text: string, kind: ValueKind): { value?: unknown; problem?: string } {
  if (kind === 'text') return { value: text };
  if (kind === 'number') {
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? { value: n } : { problem: 'must be a number, e.g. 42 or 0.5' };
  }
  if (kind === 'boolean') {
    const t = text.trim().toLowerCase();
    return t === 'true' || t === 'yes' ? { value: true } : t === 'false' || t === 'no' ? { value: false } : { problem: 'must be true or false' };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { problem: `must be JSON: ${(e as Error).message}` };
  }
}

/** The API's rule for a draft, and the problems the form can tell at once (a value not of its kind). */
export function ruleOf(d: RuleDraft): { rule: MappingRule; problems: Record<string, string[]> } {
  const rule: MappingRule = { target: d.target, transform: d.transform };
  const problems: Record<string, string[]> = {};
  if (d.transform === 'constant') {
    const v = parseValue(d.valueText, d.valueKind);
    if (v.problem) problems.value = [v.problem];
    else rule.value = v.value as MappingRule['value'];
  } else {
    rule.source = d.source;
    if (d.defaultText !== '') {
      const v = parseValue(d.defaultText, d.defaultKind);
      if (v.problem) problems.default = [v.problem];
      else rule.default = v.value as MappingRule['default'];
    }
  }
  if (d.transform === 'date' && d.format) rule.format = d.format;
  if (d.transform === 'join' && d.separator) rule.separator = d.separator;
  return { rule, problems };
}

/**
 * API field errors about rules (`mapping[2].source`, `mapping.2.source` or `rules.2.source`) by the
 * id of the rule they were about, given the drafts the request was built from. Duplicates dropped.
 */
export function errorsByRule(errors: FieldError[], sent: RuleDraft[]): Map<number, Record<string, string[]>> {
  const out = new Map<number, Record<string, string[]>>();
  for (const e of errors) {
    const m = /^(?:mapping|rules)(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?/.exec(e.field);
    if (!m) continue;
    const draft = sent[Number(m[1] ?? m[2])];
    if (!draft) continue;
    const field = m[3] ?? 'target';
    const byField = out.get(draft.id) ?? {};
    const list = (byField[field] ??= []);
    if (!list.includes(e.message)) list.push(e.message);
    out.set(draft.id, byField);
  }
  return out;
}
