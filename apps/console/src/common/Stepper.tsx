export interface StepInfo {
  label: string;
  /**
   * done: complete; current: shown now; visited: reached but not complete; error: has problems to
   * fix; todo: not reached yet.
   */
  state: 'done' | 'current' | 'visited' | 'error' | 'todo';
  /** The current step has problems. */
  problem?: boolean;
}

const STATE_TEXT: Record<StepInfo['state'], string> = { done: ' (done)', current: '', visited: '', error: ' (has problems)', todo: ' (not reached yet)' };

/** Where a multi-step form stands. Steps already reached can be revisited; steps with problems say so. */
export function Stepper({ steps, onSelect, label }: { steps: StepInfo[]; onSelect: (index: number) => void; label: string }) {
  return (
    <nav aria-label={label} className="stepper">
      <ol>
        {steps.map((s, i) => (
          <li key={s.label} className={`step step-${s.state}${s.problem ? ' step-error' : ''}`}>
            <button type="button" onClick={() => onSelect(i)} disabled={s.state === 'todo'} aria-current={s.state === 'current' ? 'step' : undefined}>
              <span className="step-number" aria-hidden="true">
                {s.state === 'done' ? '✓' : s.state === 'error' || s.problem ? '!' : i + 1}
              </span>
              <span className="step-label">
                <span className="visually-hidden">Step {i + 1}: </span>
                {s.label}
                <span className="visually-hidden">{s.problem ? ' (has problems)' : STATE_TEXT[s.state]}</span>
              </span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
