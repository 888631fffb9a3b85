import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** Anything that breaks while rendering a page: said plainly, with a way back, never a blank page. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : String(error);
  return (
    <main className="main" id="main">
      <div className="banner banner-error" role="alert">
        <strong>Something went wrong on this page.</strong> {message}
      </div>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </main>
  );
}
