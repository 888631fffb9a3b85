import { Field, FieldSet } from '../../../../common/Field';
import type { StepProps } from './step-props';

/** Per-order sequence: the choice, and when a blocked order stops waiting. */
export function OrderingFields({ form, update, errorsFor }: Pick<StepProps, 'form' | 'update' | 'errorsFor'>) {
  const perOrder = form.ordering === 'per-order';
  return (
    <FieldSet
      legend="Order of postbacks for one order"
      hint="Per order: when a postback needs a retry, the same order's later postbacks from this trigger wait for it (other orders go on)."
      errors={errorsFor('ordering')}
    >
      <label className="radio">
        <input type="radio" name="ordering" checked={!perOrder} onChange={() => update({ ordering: 'none' })} /> As they come (a retried postback may arrive
        after later ones)
      </label>
      <label className="radio">
        <input type="radio" name="ordering" checked={perOrder} onChange={() => update({ ordering: 'per-order' })} /> In sequence per order
      </label>
      {perOrder && (
        <div className="form-grid">
          <Field
            label="Stop waiting after (seconds)"
            hint="Then the waiting postbacks go anyway, and an alert fires; default 3600."
            errors={errorsFor('orderingMaxWaitSeconds')}
          >
            <input
              type="number"
              min={10}
              max={604800}
              value={form.orderingMaxWaitSeconds}
              onChange={(e) => update({ orderingMaxWaitSeconds: e.target.value })}
            />
          </Field>
          <Field label="Or after this many are waiting" hint="Default 50." errors={errorsFor('orderingMaxQueued')}>
            <input type="number" min={1} max={200} value={form.orderingMaxQueued} onChange={(e) => update({ orderingMaxQueued: e.target.value })} />
          </Field>
        </div>
      )}
    </FieldSet>
  );
}
