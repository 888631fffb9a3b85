import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Button } from '../../common/Button';
import { Field } from '../../common/Field';
import { FIELD_DRAG_TYPE } from './FieldTree';
import { newDraft, TRANSFORMS, type RuleDraft, type ValueKind } from './mapping';

const RULE_DRAG_TYPE = 'application/x-postback-rule';

export interface RuleListProps {
  rules: RuleDraft[];
  onChange: (rules: RuleDraft[]) => void;
  /** Problems per rule id and field: the form's own, and the API's last answer. */
  errors: Map<number, Record<string, string[]>>;
  /** The rule waiting for a source picked in the field tree. */
  picking: number | undefined;
  onPick: (ruleId: number | undefined) => void;
  /** A field dropped on the list's end: a new rule for it. */
  onAddFromField: (path: string) => void;
  /** A rule whose input field to focus (after a pick in the field tree). */
  focusSourceOf?: number;
}

const KINDS: Array<{ value: ValueKind; label: string }> = [
  { value: 'text', label: 'text' },
  { value: 'number', label: 'number' },
  { value: 'boolean', label: 'true/false' },
  { value: 'json', label: 'JSON' },
];

/**
 * The Template Mapper's rules, in output order: output field ← input field, with a transform and
 * a default. Add, remove and reorder with buttons (or by dragging the handle); set a source by
 * typing it, picking it in the field tree, or dropping a field on it. Focus follows the rule that
 * moved, and after a removal goes to the next rule.
 */
export function RuleList({ rules, onChange, errors, picking, onPick, onAddFromField, focusSourceOf }: RuleListProps) {
  const [dragOver, setDragOver] = useState<number | 'end' | undefined>();
  const focusNext = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = undefined;
  });
  useEffect(() => {
    if (focusSourceOf !== undefined) document.getElementById(`rule-${focusSourceOf}-source`)?.focus();
  }, [focusSourceOf]);

  const update = (id: number, patch: Partial<RuleDraft>) => onChange(rules.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const move = (from: number, to: number, button?: 'up' | 'down') => {
    if (to < 0 || to >= rules.length || from === to) return;
    const next = [...rules];
    const [r] = next.splice(from, 1);
    next.splice(to, 0, r);
    if (button) {
      const edge = (button === 'up' && to === 0) || (button === 'down' && to === next.length - 1);
      focusNext.current = `rule-${r.id}-${edge ? (button === 'up' ? 'down' : 'up') : button}`;
    }
    onChange(next);
  };
  const remove = (i: number) => {
    const next = rules.filter((_, j) => j !== i);
    const neighbour = next[i] ?? next[i - 1];
    focusNext.current = neighbour ? `rule-${neighbour.id}-target` : 'rule-add';
    if (picking === rules[i].id) onPick(undefined);
    onChange(next);
  };

  const onDrop = (e: DragEvent, index: number | 'end') => {
    e.preventDefault();
    setDragOver(undefined);
    const field = e.dataTransfer.getData(FIELD_DRAG_TYPE);
    const rule = e.dataTransfer.getData(RULE_DRAG_TYPE);
    if (field) {
      if (index === 'end') onAddFromField(field);
      else update(rules[index].id, { source: field, transform: rules[index].transform === 'constant' ? 'none' : rules[index].transform });
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
        <strong>default</strong> is used when the input has no value.
      </p>
      {rules.length === 0 && <p className="muted">No rules yet. Pick a field of the input (or drag it here) to map it, or add an empty rule.</p>}
      <ol className="rule-list" aria-label="Mapping rules">
        {rules.map((rule, i) => {
          const errs = errors.get(rule.id) ?? {};
          const name = rule.target || `rule ${i + 1}`;
          const id = (part: string) => `rule-${rule.id}-${part}`;
          return (
            <li
              key={rule.id}
              className={['rule', dragOver === i ? 'drop-target' : '', picking === rule.id ? 'rule-picking' : ''].filter(Boolean).join(' ')}
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
                  <Button id={id('up')} variant="ghost" onClick={() => move(i, i - 1, 'up')} disabled={i === 0} aria-label={`Move ${name} up`}>
                    ↑
                  </Button>
                  <Button
                    id={id('down')}
                    variant="ghost"
                    onClick={() => move(i, i + 1, 'down')}
                    disabled={i === rules.length - 1}
                    aria-label={`Move ${name} down`}
                  >
                    ↓
                  </Button>
                  <Button variant="ghost" onClick={() => remove(i)} aria-label={`Remove ${name}`}>
                    Remove
                  </Button>
                </div>
              </div>
              <div className="rule-grid">
                <Field label="Output field" errors={errs.target}>
                  <input
                    id={id('target')}
                    value={rule.target}
                    onChange={(e) => update(rule.id, { target: e.target.value })}
                    spellCheck={false}
                    placeholder="tracking.number"
                  />
                </Field>
                {rule.transform !== 'constant' && (
                  <div className="source-field">
                    <Field label="From input field" errors={errs.source}>
                      <input
                        id={id('source')}
                        value={rule.source}
                        onChange={(e) => update(rule.id, { source: e.target.value })}
                        spellCheck={false}
                        placeholder="data.shipment.carrier"
                      />
                    </Field>
                    <Button
                      variant={picking === rule.id ? 'primary' : 'secondary'}
                      onClick={() => onPick(picking === rule.id ? undefined : rule.id)}
                      aria-pressed={picking === rule.id}
                      aria-label={
                        picking === rule.id ? `Picking the input field of ${name}: choose one in the input fields` : `Pick the input field of ${name}`
                      }
                    >
                      {picking === rule.id ? 'Picking…' : 'Pick'}
                    </Button>
                  </div>
                )}
                <Field label="Transform" errors={errs.transform}>
                  <select value={rule.transform} onChange={(e) => update(rule.id, { transform: e.target.value as RuleDraft['transform'] })}>
                    {TRANSFORMS.map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                      </option>
                    ))}
                  </select>
                </Field>
                {rule.transform === 'date' && (
                  <Field label="Date format" hint="YYYY MM DD HH mm ss SSS (UTC); or iso, unix, unixMs" errors={errs.format}>
                    <input value={rule.format} onChange={(e) => update(rule.id, { format: e.target.value })} placeholder="YYYY-MM-DD" />
                  </Field>
                )}
                {rule.transform === 'join' && (
                  <Field label="Separator" errors={errs.separator}>
                    <input value={rule.separator} onChange={(e) => update(rule.id, { separator: e.target.value })} placeholder=", " />
                  </Field>
                )}
                {rule.transform === 'constant' ? (
                  <ValueField
                    label="Value"
                    text={rule.valueText}
                    kind={rule.valueKind}
                    errors={errs.value}
                    onChange={(valueText, valueKind) => update(rule.id, { valueText, valueKind })}
                  />
                ) : (
                  <ValueField
                    label="Default"
                    text={rule.defaultText}
                    kind={rule.defaultKind}
                    errors={errs.default}
                    onChange={(defaultText, defaultKind) => update(rule.id, { defaultText, defaultKind })}
                  />
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
        <Button
          id="rule-add"
          onClick={() => {
            const draft = newDraft();
            focusNext.current = `rule-${draft.id}-target`;
            onChange([...rules, draft]);
          }}
        >
          Add an empty rule
        </Button>
        <span className="muted small" aria-hidden="true">
          or drop an input field here
        </span>
      </div>
    </div>
  );
}

/** A default or fixed value as typed, with the kind it is meant as (so "12345" can stay text). */
function ValueField({
  label,
  text,
  kind,
  errors,
  onChange,
}: {
  label: string;
  text: string;
  kind: ValueKind;
  errors?: string[];
  onChange: (text: string, kind: ValueKind) => void;
}) {
  return (
    <div className="value-field">
      <Field label={label} errors={errors}>
        <input value={text} onChange={(e) => onChange(e.target.value, kind)} spellCheck={false} />
      </Field>
      <Field label={`${label} as`}>
        <select value={kind} onChange={(e) => onChange(text, e.target.value as ValueKind)}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
