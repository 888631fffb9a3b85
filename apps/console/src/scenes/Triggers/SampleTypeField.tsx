import { useEventTypeLabel, type OrderEventType } from '../../api/queries';
import { Field } from '../../common/Field';

/** Which of a trigger's event types lends its sample (for a test, or a fixture), by plain-language name. */
export function SampleTypeField({
  label,
  types,
  value,
  onChange,
}: {
  label: string;
  types: readonly OrderEventType[];
  value: OrderEventType;
  onChange: (type: OrderEventType) => void;
}) {
  const name = useEventTypeLabel();
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.target.value as OrderEventType)}>
        {types.map((t) => (
          <option key={t} value={t}>
            {name(t)}
          </option>
        ))}
      </select>
    </Field>
  );
}
