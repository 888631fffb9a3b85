import { NavLink } from 'react-router';

/** Tabs that are pages: each has its own URL (deep links), the current one marked for assistive technology. */
export function TabNav({ label, tabs }: { label: string; tabs: Array<{ to: string; label: string; end?: boolean }> }) {
  return (
    <nav className="tabs" aria-label={label}>
      <ul>
        {tabs.map((t) => (
          <li key={t.to}>
            <NavLink to={t.to} end={t.end} className={({ isActive }) => (isActive ? 'tab tab-active' : 'tab')}>
              {t.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
