import { Button } from '../../../../common/Button';
import { Field, FieldSet } from '../../../../common/Field';
import { OrderingFields } from './OrderingFields';
import { OutOfOrderField } from './OutOfOrderField';
import type { StepProps } from './step-props';

export function MethodStep({ form, update, errorsFor, editing }: StepProps) {
  const setHeader = (i: number, patch: Partial<{ name: string; value: string }>) =>
    update({ headers: form.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  return (
    <>
      <h2 tabIndex={-1}>Choose the delivery method</h2>
      <FieldSet
        legend="Send the postback to"
        hint={editing ? 'The method of an existing trigger cannot change; add a new trigger instead.' : undefined}
        errors={errorsFor('channel')}
      >
        <label className="radio">
          <input type="radio" name="channel" checked={form.channel === 'http'} disabled={editing} onChange={() => update({ channel: 'http' })} /> A URL (HTTP)
        </label>
        <label className="radio">
          <input type="radio" name="channel" checked={form.channel === 'email'} disabled={editing} onChange={() => update({ channel: 'email' })} /> An email
          address
        </label>
      </FieldSet>
      {form.channel === 'http' ? (
        <>
          <Field
            label="Destination URL"
            required
            errors={errorsFor('url')}
            hint="Where the customer receives postbacks, e.g. https://shop.example.com/hooks/orders"
          >
            <input type="url" value={form.url} onChange={(e) => update({ url: e.target.value })} spellCheck={false} inputMode="url" />
          </Field>
          <div className="form-grid">
            <Field label="Method" errors={errorsFor('method')}>
              <select value={form.method} onChange={(e) => update({ method: e.target.value as 'POST' | 'PUT' | 'PATCH' })}>
                <option value="POST">POST</option>
                <option value="PUT">PUT</option>
                <option value="PATCH">PATCH</option>
              </select>
            </Field>
            <Field label="Data format" hint="URL postbacks are JSON, signed (Standard Webhooks).">
              <select value="json" disabled>
                <option value="json">JSON</option>
              </select>
            </Field>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={form.retryOnFailure} onChange={(e) => update({ retryOnFailure: e.target.checked })} /> Retry on failure (network
            errors, timeouts, 408, 429 and 5xx answers are tried again over about a day)
          </label>
          <FieldSet legend="Extra headers" hint="Sent with every postback, e.g. a token the customer asked for." errors={errorsFor('headers')}>
            {form.headers.map((h, i) => (
              <div className="header-row" key={i}>
                <Field label={`Header ${i + 1} name`} errors={errorsFor(`headers.${i}`)}>
                  <input value={h.name} onChange={(e) => setHeader(i, { name: e.target.value })} spellCheck={false} />
                </Field>
                <Field label={`Header ${i + 1} value`}>
                  <input value={h.value} onChange={(e) => setHeader(i, { value: e.target.value })} spellCheck={false} />
                </Field>
                <Button variant="ghost" onClick={() => update({ headers: form.headers.filter((_, j) => j !== i) })} aria-label={`Remove header ${i + 1}`}>
                  Remove
                </Button>
              </div>
            ))}
            <Button onClick={() => update({ headers: [...form.headers, { name: '', value: '' }] })}>Add a header</Button>
          </FieldSet>
        </>
      ) : (
        <>
          <Field label="To" required errors={errorsFor('email.to')} hint="One or more addresses, separated by commas.">
            <input value={form.emailTo} onChange={(e) => update({ emailTo: e.target.value })} autoComplete="off" />
          </Field>
          <div className="form-grid">
            <Field label="Cc" errors={errorsFor('email.cc')}>
              <input value={form.emailCc} onChange={(e) => update({ emailCc: e.target.value })} autoComplete="off" />
            </Field>
            <Field label="Bcc" errors={errorsFor('email.bcc')}>
              <input value={form.emailBcc} onChange={(e) => update({ emailBcc: e.target.value })} autoComplete="off" />
            </Field>
          </div>
          <Field
            label="Subject"
            required
            errors={errorsFor('email.subject')}
            hint="An Eta template over the event, e.g. Order <%= it.data.reference %> shipped"
          >
            <input value={form.subject} onChange={(e) => update({ subject: e.target.value })} spellCheck={false} />
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={form.retryOnFailure} onChange={(e) => update({ retryOnFailure: e.target.checked })} /> Retry on failure (temporary
            SMTP errors are tried again)
          </label>
        </>
      )}
      <details
        className="more-settings"
        open={
          ['maxAttempts', 'timeoutMs', 'ordering', 'orderingMaxWaitSeconds', 'orderingMaxQueued', 'outOfOrder'].some((f) => errorsFor(f).length > 0) ||
          undefined
        }
      >
        <summary>More settings</summary>
        <div className="form-grid">
          <Field label="Attempts in all" hint="The first one included; default 8." errors={errorsFor('maxAttempts')}>
            <input type="number" min={1} max={50} value={form.maxAttempts} onChange={(e) => update({ maxAttempts: e.target.value })} />
          </Field>
          <Field label="Timeout (ms)" hint="Per attempt; default 15000." errors={errorsFor('timeoutMs')}>
            <input type="number" min={100} max={60000} value={form.timeoutMs} onChange={(e) => update({ timeoutMs: e.target.value })} />
          </Field>
        </div>
        <OrderingFields form={form} update={update} errorsFor={errorsFor} />
        <OutOfOrderField form={form} update={update} errorsFor={errorsFor} />
      </details>
    </>
  );
}
