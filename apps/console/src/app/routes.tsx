import { Navigate, type RouteObject } from 'react-router';
import { ApiKeys } from '../scenes/ApiKeys/ApiKeys';
import { AuditLog } from '../scenes/AuditLog/AuditLog';
import { CustomerDeliveries } from '../scenes/Customers/CustomerDeliveries';
import { CustomerList } from '../scenes/Customers/CustomerList';
import { CustomerProfile } from '../scenes/Customers/CustomerProfile';
import { CustomerPolicies } from '../scenes/Customers/CustomerPolicies';
import { CustomerSettings } from '../scenes/Customers/CustomerSettings';
import { CustomerTemplates } from '../scenes/Customers/CustomerTemplates';
import { CustomerTriggers } from '../scenes/Customers/CustomerTriggers';
import { DeliveryDetail } from '../scenes/Deliveries/DeliveryDetail';
import { DeliveryLog } from '../scenes/Deliveries/DeliveryLog';
import { NotFound } from '../scenes/NotFound';
import { Overview } from '../scenes/Overview/Overview';
import { TemplateEditor } from '../scenes/Templates/TemplateEditor';
import { TemplateList } from '../scenes/Templates/TemplateList';
import { TemplateVersions } from '../scenes/Templates/TemplateVersions';
import { AddTrigger } from '../scenes/Triggers/AddTrigger/AddTrigger';
import { TriggerDetail } from '../scenes/Triggers/TriggerDetail';
import { AppLayout } from './AppLayout';
import { RouteError } from './RouteError';

/** Every screen has its own URL: customers, triggers, templates and deliveries can be linked to. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Overview /> },
      { path: 'customers', element: <CustomerList /> },
      {
        path: 'customers/:customerId',
        element: <CustomerProfile />,
        children: [
          { index: true, element: <Navigate to="triggers" replace /> },
          { path: 'triggers', element: <CustomerTriggers /> },
          { path: 'templates', element: <CustomerTemplates /> },
          { path: 'deliveries', element: <CustomerDeliveries /> },
          { path: 'policies', element: <CustomerPolicies /> },
          { path: 'settings', element: <CustomerSettings /> },
        ],
      },
      { path: 'customers/:customerId/triggers/new', element: <AddTrigger /> },
      { path: 'customers/:customerId/triggers/:triggerId', element: <TriggerDetail /> },
      { path: 'customers/:customerId/triggers/:triggerId/edit', element: <AddTrigger /> },
      { path: 'customers/:customerId/templates/new', element: <TemplateEditor /> },
      { path: 'customers/:customerId/templates/:templateId', element: <TemplateEditor /> },
      { path: 'templates', element: <TemplateList /> },
      { path: 'templates/new', element: <TemplateEditor /> },
      { path: 'templates/:templateId', element: <TemplateEditor /> },
      { path: 'templates/:templateId/versions', element: <TemplateVersions /> },
      { path: 'deliveries', element: <DeliveryLog /> },
      { path: 'deliveries/:deliveryId', element: <DeliveryDetail /> },
      { path: 'audit-log', element: <AuditLog /> },
      { path: 'api-keys', element: <ApiKeys /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];
