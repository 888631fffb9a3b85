/**
 * The metric names the services export, read from prom-client registries filled by the services'
 * own metric-defining code (constructed with stand-ins for Kafka, MySQL and the logger: nothing
 * connects). Each source gets its own registry, as each service has one.
 *
 * A metric defined in code this list does not construct would be missed: declaredMetrics() scans
 * apps/ and libs/ for `new Counter|Gauge|Histogram|Summary({ name: '...' })`, and the deploy check
 * accepts the names found only there with a note (add their code to registries() below).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Registry } from 'prom-client';
import { createMetricsRegistry } from '../../libs/observability/src/metrics';
import { kafkaProviders } from '../../libs/runtime/src/kafka-providers';
import { ConfigViewUpdater } from '../../libs/config-view/src/config-view-updater';
import { RouterMetrics } from '../../apps/router-service/src/routing/router.metrics';
import { DeliveryMetrics } from '../../apps/delivery-service/src/deliveries/delivery.metrics';
import { SequenceMetrics } from '../../apps/delivery-service/src/deliveries/sequence.metrics';
import { OutboxRelay } from '../../apps/config-service/src/outbox/outbox.relay';
import { DeliveryResultsConsumer } from '../../apps/config-service/src/deliveries/delivery-results.consumer';
import { FailureStreakDetector } from '../../apps/config-service/src/lifecycle/failure-streaks';
import { LifecycleJobs } from '../../apps/config-service/src/lifecycle/lifecycle-jobs';
import { PauseNotices } from '../../apps/config-service/src/lifecycle/pause-notices';
import { RetentionPurger } from '../../apps/config-service/src/lifecycle/retention';
import { SlaService } from '../../apps/config-service/src/sla/sla.service';

// Stand-ins: the constructors only keep them (nothing is called before a scrape, and none happens).
const stub = <T>(value: object = {}): T => value as T;

function kafkaMetrics(registry: Registry): void {
  const providers = kafkaProviders({
    connection: stub({ partitions: 1, topics: {}, clientId: 'check' }),
    orderTopics: ['orders.events'],
    bindings: [stub({ mode: 'group', groupId: 'check', topics: ['orders.events'] })],
  });
  for (const p of providers) {
    if (typeof p === 'object' && 'useFactory' in p && p.inject?.includes(Registry)) {
      p.useFactory(stub({ register() {} }), stub({ onRequest() {} }), registry, undefined);
    }
  }
}

/** Registries filled the way the services fill theirs, one per source. */
function registries(): Registry[] {
  const defaults = createMetricsRegistry('check');
  const kafka = new Registry();
  kafkaMetrics(kafka);
  const router = new Registry();
  new RouterMetrics(router);
  const delivery = new Registry();
  new DeliveryMetrics(delivery).watchCircuits(stub({ openHosts: () => 0 }));
  new SequenceMetrics(delivery);
  const configView = new Registry();
  new ConfigViewUpdater(stub(), configView, stub());
  const outbox = new Registry();
  new OutboxRelay(stub({ query: () => Promise.resolve([]) }), stub(), stub(), stub({ databaseUrl: 'mysql://check@localhost/postback' }), stub(), outbox);
  const deliveryLog = new Registry();
  new DeliveryResultsConsumer(stub(), stub(), stub(), deliveryLog);
  const lifecycle = new Registry();
  new FailureStreakDetector(stub(), stub(), stub(), stub(), stub(), lifecycle);
  new PauseNotices(stub(), stub({ notices: { smtp: undefined, autoPauseEmail: true } }), stub(), lifecycle);
  new RetentionPurger(stub(), stub(), stub(), lifecycle);
  new SlaService(stub(), stub({ lifecycle: { slaGaugeRefreshMs: 15_000 } }), stub(), lifecycle);
  new LifecycleJobs(
    stub({ driver: {} }),
    stub({
      lifecycle: { autoPauseCheckIntervalMs: 1000, autoPauseAfterMs: 0, retention: { intervalMs: 1000, deliveriesDays: 0, payloadsDays: 0, auditDays: 0 } },
    }),
    stub(),
    stub(),
    stub(),
    lifecycle,
  );
  return [defaults, kafka, router, delivery, configView, outbox, deliveryLog, lifecycle];
}

export interface ExportedMetrics {
  /** Metric family names (as registered). */
  families: Set<string>;
  /** Series names a query can select: histograms' _bucket/_sum/_count, summaries' _sum/_count too. */
  series: Set<string>;
}

export function exportedMetrics(): ExportedMetrics {
  const families = new Set<string>();
  const series = new Set<string>();
  for (const registry of registries()) {
    for (const metric of registry.getMetricsAsArray()) {
      const { name, type } = metric as unknown as { name: string; type: string };
      families.add(name);
      seriesNames(name, type).forEach((s) => series.add(s));
    }
  }
  return { families, series };
}

/** Metrics declared in the source of apps/ and libs/ (tests excluded): name -> file and type. */
export function declaredMetrics(repoRoot: string): Map<string, { file: string; type: string }> {
  const found = new Map<string, { file: string; type: string }>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'console') walk(path);
      } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\{\s*name:\s*['"`]([\w:]+)['"`]/g)) {
          found.set(m[2], { file: relative(repoRoot, path), type: m[1].toLowerCase() });
        }
      }
    }
  };
  walk(join(repoRoot, 'apps'));
  walk(join(repoRoot, 'libs'));
  return found;
}

/** The series names of a metric family of the given prom-client type. */
export function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}
