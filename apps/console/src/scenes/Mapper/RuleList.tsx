import { useState, type DragEvent } from 'react';
import type { FieldError } from '../../api/client';
import type { MappingRule } from '../../api/queries';
import { Button } from '../../common/Button';
import { Field } from '../../common/Field';
import { FIELD_DRAG_TYPE } from './FieldTree';
import { parseDefault, ruleErrors, showDefault, TRANSFORMS } from './mapping';

const RULE_DRAG_TYPE = 'application/x-postback-rule';

export interface RuleListProps {
  rules: MappingRule[];
  onChange: (rules: MappingRule[]) => void;
  /** Field errors of the last check (`mapping[i].field`). */
  errors: FieldError[];
  /** The rule waiting for a source picked in the field tree. */
  picking: number | undefined;
  onPick: (index: number | undefined) => void;
  /** A field dropped on the list's end: a new rule for it. */
  onAddFromField: (path: string) => void;
}

/**
 * The Template Mapper's rules, in output order: output field ← input field, with a transform and
 * a default. Add, remove and reorder with buttons (or by dragging the handle); set a source by
 * typing it, picking it in the field tree, or dropping a field on it.
 */
export function RuleList({ rules, onChange, errors, picking, onPick, onAddFromField }: RuleListProps) {
  const [dragOver, setDragOver] = useState<number | 'end' | undefined>();
  const update = (i: number, patch: Partial<MappingRule>) => onChange(rules.map((r, j) => (j === i ? clean({ ...r, ...patch }) : r)));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= rules.length || from === to) return;
    const next = [...rules];
    const [r] = next.splice(from, 1);
    next.splice(to, 0, r);
    onChange(next);
  };
  const remove = (i: number) => onChange(rules.filter((_, j) => j !== i));

  const onDrop = (e: DragEvent, index: number | 'end') => {
    e.preventDefault();
    setDragOver(undefined);
    const field = e.dataTransfer.getData(FIELD_DRAG_TYPE);
    const rule = e.dataTransfer.getData(RULE_DRAG_TYPE);
    if (field) {
      if (index === 'end') onAddFromField(field);
      else update(index, { source: field, transform: rules[index].transform === 'constant' ? 'none' : rules[index].transform });
    } else if (rule !== '') {
      move(Number(rule), index === 'end' ? rules.length - 1 : index);
    }
  };
  const allowDrop = (e: DragEvent, index: number | 'end') => {
    if (e.dataTransfer.types.includes(FIELD_DRAG_TYPE) || e.dataTransfer.types.includes(RULE_DRAG_TYPE)) {
      e.preventDefault();
      setDragOver(index);
    }
  };

  return (
    <div className="rules">
      <p className="hint">
        Each rule writes one <strong>output field</strong> (a dotted path: <code>tracking.number</code>) <strong>from an input field</strong> (
        <code>data.shipment.carrier</code>; <code>[]</code> maps every element of a list: <code>data.items[].sku</code>), optionally transformed. The{' '}
        <strong>default</strong> is used when the input has no value; defaults and fixed values are text, or JSON such as <code>42</code> or <code>true</code>.
      </p>
      {rules.length === 0 && <p className="muted">No rules yet. Pick a field of the input (or drag it here) to map it, or add an empty rule.</p>}
      <ol className="rule-list" aria-label="Mapping rules">
        {rules.map((rule, i) => {
          const errs = ruleErrors(errors, i);
          const transform = rule.transform ?? 'none';
          const name = rule.target || `rule ${i + 1}`;
          return (
            <li
              key={i}
              className={['rule', dragOver === i ? 'drop-target' : '', picking === i ? 'rule-picking' : ''].filter(Boolean).join(' ')}
              onDragOver={(e) => allowDrop(e, i)}
              onDragLeave={() => setDragOver(undefined)}
              onDrop={(e) => onDrop(e, i)}
              aria-label={`Rule ${i + 1}: ${rule.target || '(no output field)'}`}
            >
              <div className="rule-head">
                <span
                  className="drag-handle"
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData(RULE_DRAG_TYPE, String(i));
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  title="Drag to reorder"
                  aria-hidden="true"
                >
                  ⋮⋮
                </span>
                <span className="rule-number">{i + 1}</span>
                <div className="rule-actions">
                  <Button variant="ghost" onClick={() => move(i, i - 1)} disabled={i === 0} aria-label={`Move ${name} up`}>
                    ↑
                  </Button>
                  <Button variant="ghost" onClick={() => move(i, i + 1)} disabled={i === rules.length - 1} aria-label={`Move ${name} down`}>
                    ↓
                  </Button>
                  <Button variant="ghost" onClick={() => remove(i)} aria-label={`Remove ${name}`}>
                    Remove
                  </Button>
                </div>
              </div>
              <div className="rule-grid">
                <Field label="Output field" errors={errs.target}>
                  <input value={rule.target} onChange={(e) => update(i, { target: e.target.value })} spellCheck={false} placeholder="tracking.number" />
                </Field>
                {transform !== 'constant' && (
                  <div className="source-field">
                    <Field label="From input field" errors={errs.source}>
                      <input
                        value={rule.source ?? ''}
                        onChange={(e) => update(i, { source: e.target.value })}
                        spellCheck={false}
                        placeholder="data.shipment.carrier"
                      />
                    </Field>
                    <Button
                      variant={picking === i ? 'primary' : 'secondary'}
                      onClick={() => onPick(picking === i ? undefined : i)}
                      aria-pressed={picking === i}
                      aria-label={picking === i ? `Picking the input field of ${name}: choose one in the input fields` : `Pick the input field of ${name}`}
                    >
                      {picking === i ? 'Picking…' : 'Pick'}
                    </Button>
                  </div>
                )}
                <Field label="Transform" errors={errs.transform}>
                  <select value={transform} onChange={(e) => update(i, { transform: e.target.value as MappingRule['transform'] })}>
                    {TRANSFORMS.map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                      </option>
                    ))}
                  </select>
                </Field>
                {transform === 'date' && (
                  <Field label="Date format" hint="YYYY MM DD HH mm ss SSS (UTC); or iso, unix, unixMs" errors={errs.format}>
                    <input value={rule.format ?? ''} onChange={(e) => update(i, { format: e.target.value })} placeholder="YYYY-MM-DD" />
                  </Field>
                )}
                {transform === 'join' && (
                  <Field label="Separator" errors={errs.separator}>
                    <input value={rule.separator ?? ''} onChange={(e) => update(i, { separator: e.target.value })} placeholder=", " />
                  </Field>
                )}
                {transform === 'constant' ? (
                  <Field label="Value" errors={errs.value}>
                    <input value={showDefault(rule.value)} onChange={(e) => update(i, { value: parseDefault(e.target.value) as MappingRule['value'] })} />
                  </Field>
                ) : (
                  <Field label="Default" errors={errs.default}>
                    <input value={showDefault(rule.default)} onChange={(e) => update(i, { default: parseDefault(e.target.value) as MappingRule['default'] })} />
                  </Field>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <div
        className={['rule-drop', dragOver === 'end' ? 'drop-target' : ''].filter(Boolean).join(' ')}
        onDragOver={(e) => allowDrop(e, 'end')}
        onDragLeave={() => setDragOver(undefined)}
        onDrop={(e) => onDrop(e, 'end')}
      >
        <Button onClick={() => onChange([...rules, { target: '', source: '', transform: 'none' }])}>Add an empty rule</Button>
        <span className="muted small" aria-hidden="true">
          or drop an input field here
        </span>
      </div>
    </div>
  );
}

/** Drops settings the rule's transform does not use, so the request carries only what matters. */
function clean(rule: MappingRule): MappingRule {
  const out: MappingRule = { target: rule.target, transform: rule.transform ?? 'none' };
  if (rule.transform === 'constant') out.value = rule.value ?? '';
  else {
    out.source = rule.source ?? '';
    if (rule.default !== undefined) out.default = rule.default;
  }
  if (rule.transform === 'date' && rule.format) out.format = rule.format;
  if (rule.transform === 'join' && rule.separator) out.separator = rule.separator;
  return out;
}
