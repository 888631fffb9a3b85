export interface StepInfo {
  label: string;
  /** done: passed; current: shown now; blocked: cannot be reached yet. */
  state: 'done' | 'current' | 'todo' | 'blocked';
}

/** Where a multi-step form stands. Steps already reached can be revisited. */
export function Stepper({ steps, onSelect, label }: { steps: StepInfo[]; onSelect: (index: number) => void; label: string }) {
  return (
    <nav aria-label={label} className="stepper">
      <ol>
        {steps.map((s, i) => (
          <li key={s.label} className={`step step-${s.state}`}>
            <button
              type="button"
              onClick={() => onSelect(i)}
              disabled={s.state === 'blocked' || s.state === 'todo'}
              aria-current={s.state === 'current' ? 'step' : undefined}
            >
              <span className="step-number" aria-hidden="true">
                {s.state === 'done' ? '✓' : i + 1}
              </span>
              <span className="step-label">
                <span className="visually-hidden">Step {i + 1}: </span>
                {s.label}
                {s.state === 'done' && <span className="visually-hidden"> (done)</span>}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
