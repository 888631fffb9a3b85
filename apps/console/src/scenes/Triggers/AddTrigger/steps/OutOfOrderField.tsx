import { Field } from '../../../../common/Field';
import type { StepProps } from './step-props';

type Policy = StepProps['form']['outOfOrder'];

/** What each out-of-order policy does, in one line (docs/delivery.md, "Lifecycle awareness"). */
export const OUT_OF_ORDER_LABELS: Record<Policy, string> = {
  deliver: 'Deliver them as any other',
  skip: 'Skip them (the delivery log says why)',
  annotate: 'Deliver them with meta.lifecycle for the template',
};

/** The trigger's out-of-order policy: what it does with a stale or backwards event of an order. */
export function OutOfOrderField({ form, update, errorsFor }: Pick<StepProps, 'form' | 'update' | 'errorsFor'>) {
  return (
    <Field
      label="Out-of-order events"
      hint="An event older than the last one of its order, or going backwards (e.g. shipped after delivered)."
      errors={errorsFor('outOfOrder')}
    >
      <select value={form.outOfOrder} onChange={(e) => update({ outOfOrder: e.target.value as Policy })}>
        {(Object.keys(OUT_OF_ORDER_LABELS) as Policy[]).map((p) => (
          <option key={p} value={p}>
            {OUT_OF_ORDER_LABELS[p]}
          </option>
        ))}
      </select>
    </Field>
  );
}
