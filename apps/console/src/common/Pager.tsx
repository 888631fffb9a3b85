import { Button } from './Button';

/** Previous / next over an offset-paged list, with "21–40 of 134". */
export function Pager({
  offset,
  limit,
  total,
  onChange,
  label,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  label: string;
}) {
  if (total <= limit && offset === 0) return <p className="pager-summary">{total === 1 ? '1 item' : `${total} items`}</p>;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <Button onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        Previous
      </Button>
      <span className="pager-summary" aria-live="polite">
        {first}–{last} of {total}
      </span>
      <Button onClick={() => onChange(offset + limit)} disabled={offset + limit >= total}>
        Next
      </Button>
    </nav>
  );
}
