const SERIES = [
  { key: 'delivered', label: 'Delivered', className: 'series-delivered' },
  { key: 'retrying', label: 'Retrying', className: 'series-retrying' },
  { key: 'failed', label: 'Failed', className: 'series-failed' },
  { key: 'skipped', label: 'Skipped', className: 'series-skipped' },
] as const;

export interface OutcomeBucket {
  start: string;
  delivered: number;
  failed: number;
  retrying: number;
  skipped: number;
}

/**
 * Deliveries by outcome over time as stacked bars (SVG), with the same figures as a table for
 * screen readers and for anyone who wants the numbers.
 */
export function OutcomeChart({ buckets, bucketSeconds, title }: { buckets: OutcomeBucket[]; bucketSeconds: number; title: string }) {
  const max = Math.max(1, ...buckets.map((b) => b.delivered + b.failed + b.retrying + b.skipped));
  const width = 640;
  const height = 180;
  const gap = 4;
  const barWidth = (width - gap * (buckets.length - 1)) / Math.max(buckets.length, 1);
  const label = (iso: string) =>
    bucketSeconds >= 3600
      ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit' })
      : new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        role="img"
        aria-label={`${title}: stacked bars per ${bucketSeconds / 60} minutes; the table below has the figures`}
        preserveAspectRatio="none"
      >
        {buckets.map((b, i) => {
          let y = height;
          const x = i * (barWidth + gap);
          return (
            <g key={b.start}>
              {SERIES.map((s) => {
                const h = (b[s.key] / max) * height;
                y -= h;
                return h > 0 ? <rect key={s.key} x={x} y={y} width={barWidth} height={h} className={s.className} /> : null;
              })}
            </g>
          );
        })}
      </svg>
      <ol className="chart-axis" aria-hidden="true" style={{ gridTemplateColumns: `repeat(${buckets.length}, minmax(0, 1fr))` }}>
        {buckets.map((b, i) => (
          <li key={b.start}>{i % Math.ceil(buckets.length / 6) === 0 ? label(b.start) : ''}</li>
        ))}
      </ol>
      <ul className="chart-legend" aria-hidden="true">
        {SERIES.map((s) => (
          <li key={s.key}>
            <span className={`swatch ${s.className}`} /> {s.label}
          </li>
        ))}
      </ul>
      <details className="chart-table">
        <summary>Figures</summary>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              {SERIES.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{label(b.start)}</th>
                {SERIES.map((s) => (
                  <td key={s.key}>{b[s.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
