import { Field } from '../../../../common/Field';
import type { StepProps } from './step-props';

export function NameStep({ form, update, errorsFor }: StepProps) {
  return (
    <>
      <h2 tabIndex={-1}>Name the trigger</h2>
      <p>A descriptive name, so that anyone can tell what it does: who receives what, and where.</p>
      <Field label="Trigger name" required errors={errorsFor('name')} hint="For example: “Shop backend: shipments”.">
        <input value={form.name} onChange={(e) => update({ name: e.target.value })} autoFocus />
      </Field>
    </>
  );
}
