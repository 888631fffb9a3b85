import type { FieldError } from '../../../../api/client';
import type { TriggerForm } from '../trigger-form';

export interface StepProps {
  form: TriggerForm;
  update: (patch: Partial<TriggerForm>) => void;
  errorsFor: (field: string) => FieldError[];
  customerId: string;
  /** Editing an existing trigger: the channel cannot change. */
  editing: boolean;
}
