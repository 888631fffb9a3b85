import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/queries';
import { Banner } from '../../common/Banner';
import { WriteButton } from '../../common/Button';
import { ConfirmDialog } from '../../common/ConfirmDialog';
import { CustomerForm } from './CustomerForm';
import { useProfileCustomer } from './CustomerProfile';

/** Edit the customer, or delete it (refused while it still has triggers or templates). */
export function CustomerSettings() {
  const customer = useProfileCustomer();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [saved, setSaved] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {saved && <Banner tone="success">Saved.</Banner>}
      <CustomerForm
        editing
        initial={{ ...customer, externalRef: customer.externalRef ?? '', contactEmail: customer.contactEmail ?? '' }}
        submitLabel="Save changes"
        onSubmit={async (input) => {
          const { id: _id, ...changes } = input;
          await unwrap(api.PATCH('/customers/{customerId}', { params: { path: { customerId: customer.id } }, body: changes }));
          await queryClient.invalidateQueries({ queryKey: keys.customers });
          setSaved(true);
        }}
      />
      <h3>Delete this customer</h3>
      <p>Deleting is refused while the customer still has triggers or templates: delete those first. Its delivery log stays.</p>
      <WriteButton variant="danger" onClick={() => setDeleting(true)}>
        Delete customer
      </WriteButton>
      <ConfirmDialog
        open={deleting}
        title={`Delete ${customer.name}?`}
        confirmLabel="Delete customer"
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          await unwrap(api.DELETE('/customers/{customerId}', { params: { path: { customerId: customer.id } } }));
          queryClient.removeQueries({ queryKey: keys.customer(customer.id) });
          void navigate('/customers');
          await queryClient.invalidateQueries({ queryKey: keys.customers });
        }}
      >
        <p>
          The customer <code>{customer.id}</code> will be removed. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
