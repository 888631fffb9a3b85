import { DeliveryLogView } from '../Deliveries/DeliveryLogView';
import { useProfileCustomer } from './CustomerProfile';

/** The customer's deliveries: the delivery log with the customer fixed. */
export function CustomerDeliveries() {
  const customer = useProfileCustomer();
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries to {customer.name}</h2>
      <DeliveryLogView fixed={{ customerId: customer.id }} />
    </section>
  );
}
