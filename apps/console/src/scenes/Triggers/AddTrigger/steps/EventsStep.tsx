import { useEventTypes } from '../../../../api/queries';
import { FieldSet } from '../../../../common/Field';
import { QueryState } from '../../../../common/QueryState';
import type { StepProps } from './step-props';

export function EventsStep({ form, update, errorsFor }: StepProps) {
  const eventTypes = useEventTypes();
  return (
    <>
      <h2 tabIndex={-1}>Select the events</h2>
      <FieldSet legend="Send a postback when an order is…" errors={errorsFor('eventTypes')}>
        <QueryState query={eventTypes} skeletonRows={8}>
          {(list) => (
            <div className="checkbox-list">
              {list.map((t) => (
                <label key={t.type} className="checkbox checkbox-described">
                  <input
                    type="checkbox"
                    checked={form.eventTypes.includes(t.type)}
                    onChange={(e) => update({ eventTypes: e.target.checked ? [...form.eventTypes, t.type] : form.eventTypes.filter((x) => x !== t.type) })}
                  />
                  <span>
                    <strong>{t.label}</strong> <code className="muted">{t.type}</code>
                    <span className="hint">{t.description}</span>
                  </span>
                </label>
              ))}
            </div>
          )}
        </QueryState>
      </FieldSet>
    </>
  );
}
