import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useTriggerFixtures, type OrderEventType, type Trigger } from '../../api/queries';
import { ErrorBanner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { CodeEditor } from '../../common/CodeEditor';
import { Field } from '../../common/Field';
import { QueryState } from '../../common/QueryState';
import { SampleTypeField } from './SampleTypeField';

const EXPECTATIONS_EXAMPLE = '[\n  { "path": "$.orderNumber", "matches": "^PO-" },\n  { "path": "$.total", "type": "number" }\n]';

/**
 * What a test must prove before a change goes live: the trigger's fixtures (input events with
 * expectations on the payload) and the customer's output contract (a JSON Schema).
 */
export function TriggerChecks({ trigger: t, onChanged }: { trigger: Trigger; onChanged: () => Promise<unknown> }) {
  const fixtures = useTriggerFixtures(t.customerId, t.id);
  const path = { customerId: t.customerId, triggerId: t.id };
  const [name, setName] = useState('');
  const [eventType, setEventType] = useState<OrderEventType>(t.eventTypes[0]);
  const [expectations, setExpectations] = useState(EXPECTATIONS_EXAMPLE);
  const [expectStatus, setExpectStatus] = useState('');
  const [schema, setSchema] = useState(t.outputSchema ? JSON.stringify(t.outputSchema, null, 2) : '');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(what);
    setError(undefined);
    try {
      await fn();
      await fixtures.refetch();
      await onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  const parsed = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new Error(`${what} is not JSON: ${(e as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Fixtures and contract</h2>
      <p>
        Every test sends each fixture through the real pipeline and checks what was sent; a change goes live only when all are green. The output contract is a
        JSON Schema the payload must meet: a payload that breaks it is never sent.
      </p>
      <ErrorBanner error={error} title="Not saved." />
      <QueryState query={fixtures}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No fixtures: a test sends the template&apos;s sample input, or the sample of the first event type.</p>
          ) : (
            <table className="table">
              <caption className="visually-hidden">Fixtures of {t.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Fixture</th>
                  <th scope="col">Event</th>
                  <th scope="col">Expects</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((f) => (
                  <tr key={f.id}>
                    <td>{f.name}</td>
                    <td>{f.source}</td>
                    <td>
                      <ul className="change-list">
                        {f.expectStatus !== null && <li>status {f.expectStatus}</li>}
                        {f.expectations.map((e, i) => (
                          <li key={i}>
                            <code>{e.path}</code> {describe(e)}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <WriteButton
                        busy={busy === f.id}
                        onClick={() =>
                          void run(f.id, () =>
                            unwrap(
                              api.DELETE('/customers/{customerId}/triggers/{triggerId}/fixtures/{fixtureId}', {
                                params: { path: { ...path, fixtureId: f.id } },
                              }),
                            ),
                          )
                        }
                      >
                        Remove
                      </WriteButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
      <details className="more-settings">
        <summary>Add a fixture</summary>
        <div className="form-grid">
          <Field label="Fixture name">
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          </Field>
          <SampleTypeField label="Event: the sample of" types={t.eventTypes} value={eventType} onChange={setEventType} />
          <Field label="Expected status (empty: any 2xx)">
            <input value={expectStatus} onChange={(e) => setExpectStatus(e.target.value.replace(/\D/g, ''))} inputMode="numeric" maxLength={3} />
          </Field>
        </div>
        <CodeEditor
          label="Expectations (JSON: path with equals, exists, matches or type)"
          language="json"
          value={expectations}
          onChange={setExpectations}
          height="8rem"
        />
        <WriteButton
          busy={busy === 'add'}
          disabled={!name.trim()}
          onClick={() =>
            void run('add', async () => {
              await unwrap(
                api.POST('/customers/{customerId}/triggers/{triggerId}/fixtures', {
                  params: { path },
                  body: {
                    name: name.trim(),
                    eventType,
                    expectations: parsed(expectations, 'The expectations') as never,
                    ...(expectStatus ? { expectStatus: Number(expectStatus) } : {}),
                  },
                }),
              );
              setName('');
            })
          }
        >
          Add fixture
        </WriteButton>
      </details>
      <details className="more-settings">
        <summary>Output contract (JSON Schema)</summary>
        <CodeEditor label="Output contract: a JSON Schema, empty for none" language="json" value={schema} onChange={setSchema} height="12rem" />
        <WriteButton
          busy={busy === 'schema'}
          onClick={() =>
            void run('schema', () =>
              unwrap(
                api.PATCH('/customers/{customerId}/triggers/{triggerId}', {
                  params: { path },
                  body: { outputSchema: schema.trim() ? (parsed(schema, 'The contract') as Record<string, unknown>) : null },
                }),
              ),
            )
          }
        >
          Save contract
        </WriteButton>
      </details>
    </section>
  );
}

function describe(e: { equals?: unknown; exists?: boolean; matches?: string; type?: string }): string {
  if (e.exists !== undefined) return e.exists ? 'exists' : 'is absent';
  if (e.equals !== undefined) return `equals ${JSON.stringify(e.equals)}`;
  if (e.matches !== undefined) return `matches /${e.matches}/`;
  return `is ${e.type ?? '?'}`;
}
