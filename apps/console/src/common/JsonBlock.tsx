import { prettyJson } from './format';

/** Text (pretty-printed when it is JSON) in a scrollable, focusable block. */
export function JsonBlock({ value, label, maxHeight = '20rem' }: { value: string | undefined; label: string; maxHeight?: string }) {
  return (
    <pre className="code-block" tabIndex={0} role="region" aria-label={label} style={{ maxHeight }}>
      {value === undefined || value === '' ? <span className="muted">(empty)</span> : prettyJson(value)}
    </pre>
  );
}

/** Headers as a definition list. */
export function HeaderList({ headers, label }: { headers: Record<string, string> | undefined; label: string }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p className="muted">No headers recorded.</p>;
  return (
    <dl className="header-list" title={label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
