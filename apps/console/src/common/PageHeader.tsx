import { useEffect, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ReadOnlyNotice } from './ReadOnlyNotice';

export interface Crumb {
  label: string;
  to?: string;
}

/** The page's title (the one h1), where it sits (breadcrumbs), and its main actions. */
export function PageHeader({ title, crumbs = [], actions, children }: { title: string; crumbs?: Crumb[]; actions?: ReactNode; children?: ReactNode }) {
  // Each page names itself in the window title (WCAG 2.4.2).
  useEffect(() => {
    document.title = `${title} · Postback console`;
  }, [title]);
  return (
    <header className="page-header">
      {crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="breadcrumbs">
          <ol>
            {crumbs.map((c, i) => (
              <li key={i}>{c.to ? <Link to={c.to}>{c.label}</Link> : <span aria-current="page">{c.label}</span>}</li>
            ))}
          </ol>
        </nav>
      )}
      <div className="page-title-row">
        <h1 tabIndex={-1}>{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
      <ReadOnlyNotice />
    </header>
  );
}
