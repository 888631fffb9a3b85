import { useState, type FormEvent } from 'react';
import { ApiError, type Schemas } from '../../api/client';
import { ErrorBanner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { Field } from '../../common/Field';

type CustomerInput = Schemas['CreateCustomerDto'];

/** Create or edit a customer. The id is the one the order platform puts in its events; it cannot change later. */
export function CustomerForm({
  initial,
  onSubmit,
  submitLabel,
  editing,
}: {
  initial?: Partial<CustomerInput>;
  onSubmit: (input: CustomerInput) => Promise<unknown>;
  submitLabel: string;
  editing?: boolean;
}) {
  const [form, setForm] = useState<CustomerInput>({
    id: initial?.id ?? '',
    name: initial?.name ?? '',
    externalRef: initial?.externalRef ?? '',
    contactEmail: initial?.contactEmail ?? '',
  });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const fieldErrors = (f: string) => (error instanceof ApiError ? error.errorsFor(f) : []);
  const set = (k: keyof CustomerInput) => (e: { target: { value: string } }) => setForm((x) => ({ ...x, [k]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const input: CustomerInput = {
      name: form.name.trim(),
      ...(!editing && form.id?.trim() ? { id: form.id.trim() } : {}),
      ...(form.externalRef?.trim() ? { externalRef: form.externalRef.trim() } : {}),
      ...(form.contactEmail?.trim() ? { contactEmail: form.contactEmail.trim() } : {}),
    };
    onSubmit(input)
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <Field label="Name" required errors={fieldErrors('name')}>
        <input value={form.name} onChange={set('name')} autoComplete="organization" />
      </Field>
      <Field
        label="Customer id"
        hint={
          editing
            ? 'The id cannot change: order events carry it as customerId.'
            : 'The id the order platform puts in its events as customerId. Leave it empty to have one generated.'
        }
        errors={fieldErrors('id')}
      >
        <input value={form.id ?? ''} onChange={set('id')} disabled={editing} spellCheck={false} placeholder="cus_acme" />
      </Field>
      <Field label="External reference" hint="Its id in your CRM or ERP (optional)." errors={fieldErrors('externalRef')}>
        <input value={form.externalRef ?? ''} onChange={set('externalRef')} />
      </Field>
      <Field label="Contact email" hint="Who to contact about its integration (optional)." errors={fieldErrors('contactEmail')}>
        <input type="email" value={form.contactEmail ?? ''} onChange={set('contactEmail')} autoComplete="email" />
      </Field>
      <ErrorBanner error={error} shownFields={(f) => ['name', 'id', 'externalRef', 'contactEmail'].includes(f)} />
      <WriteButton type="submit" variant="primary" busy={busy}>
        {submitLabel}
      </WriteButton>
    </form>
  );
}
