import { createBrowserRouter, RouterProvider } from 'react-router';
import { routes } from './routes';

const router = createBrowserRouter(routes, { basename: '/console' });

export function App() {
  return <RouterProvider router={router} />;
}
