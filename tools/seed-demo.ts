/**
 * Creates the demo setup through the public API, the way an operator would: a customer, a
 * template built from the order.shipped sample, and an active trigger posting to the local demo
 * receiver. Idempotent: existing demo objects are reused. Writes the trigger's signing secret
 * to the file named by DEMO_SECRET_FILE so the demo receiver can verify signatures.
 *
 *   CONFIG_API_URL=http://127.0.0.1:3000 ADMIN_API_KEY=... DEMO_RECEIVER_URL=http://127.0.0.1:4000 ts-node tools/seed-demo.ts
 */
import { writeFileSync } from 'node:fs';
import { SAMPLE_CUSTOMER_ID } from '@postback/contracts';

const api = process.env.CONFIG_API_URL ?? 'http://127.0.0.1:3000';
const key = process.env.ADMIN_API_KEY ?? '';
const receiver = process.env.DEMO_RECEIVER_URL ?? 'http://127.0.0.1:4000';
const secretFile = process.env.DEMO_SECRET_FILE;

const TEMPLATE_NAME = 'Demo: shipment notice';
const TRIGGER_NAME = 'Demo receiver: order updates';
const EMAIL_TRIGGER_NAME = 'Demo email: delivered orders';
const BODY = `{
  "event": "<%= it.type %>",
  "eventId": <%~ json(it.id) %>,
  "occurredAt": <%~ json(it.occurredAt) %>,
  "order": {
    "id": <%~ json(it.data.id) %>,
    "reference": <%~ json(it.data.reference) %>,
    "status": <%~ json(it.data.status) %>
  },
  "shipment": {
    "carrier": <%~ json(it.data.shipment?.carrier) %>,
    "trackingNumber": <%~ json(it.data.shipment?.trackingNumber) %>,
    "trackingUrl": <%~ json(it.data.shipment?.trackingUrl) %>
  },
  "recipient": <%~ json(it.data.shippingAddress?.name) %>,
  "items": <%~ json((it.data.items || []).map(function (i) { return { sku: i.sku, quantity: i.quantity }; })) %>
}`;

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function must<T>(r: { status: number; body: T }, what: string): T {
  if (r.status >= 300) throw new Error(`${what} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function main(): Promise<void> {
  const customer = await call('GET', `/customers/${SAMPLE_CUSTOMER_ID}`);
  if (customer.status === 404) {
    must(
      await call('POST', '/customers', {
        id: SAMPLE_CUSTOMER_ID,
        name: 'Nordic Apparel AB (demo)',
        externalRef: 'DEMO-1',
        contactEmail: 'integrations@nordic-apparel.example',
      }),
      'create customer',
    );
  }
  const templates = must(
    await call<{ items: Array<{ id: string; name: string }> }>('GET', `/templates?scope=${SAMPLE_CUSTOMER_ID}&limit=200`),
    'list templates',
  );
  let templateId = templates.items.find((t) => t.name === TEMPLATE_NAME)?.id;
  if (!templateId) {
    templateId = must(
      await call<{ id: string }>('POST', '/templates', {
        customerId: SAMPLE_CUSTOMER_ID,
        name: TEMPLATE_NAME,
        eventTypes: ['order.shipped', 'order.in_transit', 'order.delivered'],
        body: BODY,
      }),
      'create template',
    ).id;
  }
  const triggers = must(
    await call<{ items: Array<{ id: string; name: string }> }>('GET', `/customers/${SAMPLE_CUSTOMER_ID}/triggers?limit=200`),
    'list triggers',
  );
  let trigger = triggers.items.find((t) => t.name === TRIGGER_NAME);
  if (!trigger) {
    trigger = must(
      await call<{ id: string; name: string }>('POST', `/customers/${SAMPLE_CUSTOMER_ID}/triggers`, {
        name: TRIGGER_NAME,
        eventTypes: ['order.shipped', 'order.in_transit', 'order.delivered'],
        url: `${receiver}/postbacks/orders`,
        method: 'POST',
        format: 'json',
        retryOnFailure: true,
        templateId,
      }),
      'create trigger',
    );
  }
  // The seed's workflow: test the trigger through the real pipeline, then activate it.
  const test = must(
    await call<{ outcome: string; passed: boolean; error?: { code: string; message: string } }>(
      'POST',
      `/customers/${SAMPLE_CUSTOMER_ID}/triggers/${trigger.id}/test`,
      { eventType: 'order.shipped' },
    ),
    'test trigger',
  );
  if (!test.passed) {
    const why = test.error ? `${test.error.code}: ${test.error.message}` : test.outcome;
    throw new Error(`the demo trigger's test did not pass (${why})`);
  }
  must(await call('POST', `/customers/${SAMPLE_CUSTOMER_ID}/triggers/${trigger.id}/activate`, {}), 'activate trigger');
  const { signingSecret } = must(await call<{ signingSecret: string }>('GET', `/customers/${SAMPLE_CUSTOMER_ID}/triggers/${trigger.id}/secret`), 'read secret');
  if (secretFile) writeFileSync(secretFile, `${signingSecret}\n`, { mode: 0o600 });
  // An email trigger too: the same template, as a readable message with the JSON attached.
  let emailTrigger = triggers.items.find((t) => t.name === EMAIL_TRIGGER_NAME);
  if (!emailTrigger) {
    emailTrigger = must(
      await call<{ id: string; name: string }>('POST', `/customers/${SAMPLE_CUSTOMER_ID}/triggers`, {
        name: EMAIL_TRIGGER_NAME,
        eventTypes: ['order.delivered'],
        channel: 'email',
        email: { to: ['ops@nordic-apparel.example'], subject: 'Order <%= it.data.reference %> was delivered (<%= it.data.shipment?.carrier %>)' },
        templateId,
      }),
      'create email trigger',
    );
  }
  const emailTest = must(
    await call<{ outcome: string; passed: boolean }>('POST', `/customers/${SAMPLE_CUSTOMER_ID}/triggers/${emailTrigger.id}/test`, {
      eventType: 'order.delivered',
    }),
    'test email trigger',
  );
  if (!emailTest.passed) throw new Error(`the demo email trigger's test did not pass (${emailTest.outcome}); is the mail catcher running?`);
  must(await call('POST', `/customers/${SAMPLE_CUSTOMER_ID}/triggers/${emailTrigger.id}/activate`, {}), 'activate email trigger');
  console.log(JSON.stringify({ customerId: SAMPLE_CUSTOMER_ID, templateId, triggerId: trigger.id, emailTriggerId: emailTrigger.id }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
