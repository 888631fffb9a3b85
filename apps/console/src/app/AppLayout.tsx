import { useEffect, useRef } from 'react';
import { NavLink, Outlet, ScrollRestoration, useLocation } from 'react-router';
import { useSession } from '../auth/session';
import { SignIn } from '../auth/SignIn';
import { Button } from '../common/Button';
import { Skeleton } from '../common/QueryState';
import { ApiStatusBanner } from './ApiStatusBanner';

const NAV = [
  { to: '/', label: 'Overview', end: true },
  { to: '/customers', label: 'Customers' },
  { to: '/templates', label: 'Templates' },
  { to: '/deliveries', label: 'Deliveries' },
  { to: '/audit-log', label: 'Audit log' },
  { to: '/api-keys', label: 'API keys' },
];

/** The frame of every page: skip link, navigation, who is signed in, and the page. Signed out, the sign-in form instead. */
export function AppLayout() {
  const { me, restoring, signOut } = useSession();
  const location = useLocation();
  const first = useRef(true);
  // After a navigation, focus goes to the new page's heading (or its main area), as a page load would.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const target = document.querySelector<HTMLElement>('main h1') ?? document.getElementById('main');
    target?.focus({ preventScroll: true });
  }, [location.pathname]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Postback console</span>
        {(me || restoring) && (
          <nav aria-label="Main" className="main-nav">
            <ul>
              {NAV.map((n) => (
                <li key={n.to}>
                  <NavLink to={n.to} end={n.end}>
                    {n.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {(me || restoring) && (
          <div className="whoami">
            <span>
              Signed in as <strong>{me?.name ?? '…'}</strong> <span className="muted">({me ? (me.canWrite ? 'admin' : 'read-only') : '…'})</span>
            </span>
            <Button variant="ghost" onClick={() => signOut()} disabled={!me}>
              Sign out
            </Button>
          </div>
        )}
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <ApiStatusBanner />
        {restoring ? <Skeleton rows={4} /> : me ? <Outlet /> : <SignIn />}
      </main>
      <ScrollRestoration />
    </div>
  );
}
