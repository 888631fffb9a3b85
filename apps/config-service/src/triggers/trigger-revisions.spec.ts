import { diffConfigs, TriggerConfig } from './trigger-revisions';

const base: TriggerConfig = {
  name: 'Shop backend',
  eventTypes: ['order.shipped', 'order.delivered'],
  url: 'https://shop.example/hooks',
  method: 'POST',
  format: 'json',
  headers: { 'X-Shop': 'a', 'X-Token': 'b' },
  retryOnFailure: true,
  maxAttempts: 8,
  timeoutMs: 10000,
  templateId: 'tpl_1',
  templateVersion: null,
  email: null,
  outputSchema: null,
};

describe('revision diff', () => {
  it('lists every setting of a first revision as set from null', () => {
    const changes = diffConfigs(undefined, base);
    expect(changes.map((c) => c.field)).toEqual([
      'name',
      'eventTypes',
      'url',
      'method',
      'format',
      'headers',
      'retryOnFailure',
      'maxAttempts',
      'timeoutMs',
      'ordering',
      'orderingMaxWaitSeconds',
      'orderingMaxQueued',
      'outOfOrder',
      'templateId',
    ]);
    expect(changes[2]).toEqual({ field: 'url', from: null, to: 'https://shop.example/hooks' });
  });

  it('names each changed setting with its value before and after', () => {
    const next = { ...base, url: 'https://new.example/hooks', templateVersion: 3, maxAttempts: 5 };
    expect(diffConfigs(base, next)).toEqual([
      { field: 'url', from: 'https://shop.example/hooks', to: 'https://new.example/hooks' },
      { field: 'maxAttempts', from: 8, to: 5 },
      { field: 'templateVersion', from: null, to: 3 },
    ]);
  });

  it('does not count the order of event types or of headers as a change', () => {
    const next = { ...base, eventTypes: [...base.eventTypes].reverse(), headers: { 'X-Token': 'b', 'X-Shop': 'a' } };
    expect(diffConfigs(base, next)).toEqual([]);
  });

  it('sees a changed header value, an added event type and new email settings', () => {
    const next: TriggerConfig = {
      ...base,
      eventTypes: [...base.eventTypes, 'order.canceled'],
      headers: { ...base.headers, 'X-Token': 'c' },
      email: { to: ['ops@shop.example'], subject: 'Order <%= it.data.id %>' },
    };
    expect(diffConfigs(base, next).map((c) => c.field)).toEqual(['eventTypes', 'headers', 'email']);
  });

  it('reads the order-aware settings missing from a revision made before them as their defaults', () => {
    const now: TriggerConfig = { ...base, ordering: 'none', orderingMaxWaitSeconds: 3600, orderingMaxQueued: 50, outOfOrder: 'deliver' };
    expect(diffConfigs(base, now)).toEqual([]);
    expect(diffConfigs(base, { ...now, ordering: 'per-order' })).toEqual([{ field: 'ordering', from: 'none', to: 'per-order' }]);
  });

  it('treats a setting missing from an older revision as null', () => {
    const older = { ...base } as Partial<TriggerConfig>;
    delete older.email;
    expect(diffConfigs(older as TriggerConfig, base)).toEqual([]);
  });
});
