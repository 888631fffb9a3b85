import { loadServiceConfig } from './service-config';

describe('router service configuration', () => {
  it('routes in transactions by default, held open 10 ms under a dense stream', () => {
    const config = loadServiceConfig({});
    expect(config.guarantee).toBe('exactly-once');
    expect(config.transactionWindowMs).toBe(10);
  });

  it('holds no window at least once, where there is no transaction to amortise', () => {
    const config = loadServiceConfig({ ROUTER_GUARANTEE: 'at-least-once' });
    expect(config.guarantee).toBe('at-least-once');
    expect(config.transactionWindowMs).toBe(0);
  });

  it('keeps a window that is set explicitly, whatever the guarantee', () => {
    expect(loadServiceConfig({ ROUTER_GUARANTEE: 'at-least-once', ROUTER_TRANSACTION_WINDOW_MS: '7' }).transactionWindowMs).toBe(7);
  });

  it('refuses an unknown guarantee and names the variable', () => {
    expect(() => loadServiceConfig({ ROUTER_GUARANTEE: 'exactly-twice' })).toThrow(/ROUTER_GUARANTEE/);
  });

  it('tracks order lifecycles by default; ORDER_LIFECYCLE_TRACKING=false turns it off; nonsense is refused', () => {
    expect(loadServiceConfig({}).lifecycleTracking).toBe(true);
    expect(loadServiceConfig({ ORDER_LIFECYCLE_TRACKING: 'false' }).lifecycleTracking).toBe(false);
    expect(() => loadServiceConfig({ ORDER_LIFECYCLE_TRACKING: 'sometimes' })).toThrow(/ORDER_LIFECYCLE_TRACKING/);
  });
});
