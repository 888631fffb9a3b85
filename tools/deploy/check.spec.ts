import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe as describeObject, KustomizeError, render, strategicMerge } from './kustomize';
import { metricNames } from './promql';

const ROOT = resolve(__dirname, '../..');

describe('metricNames (PromQL)', () => {
  it('finds the selected metrics, not functions, keywords, labels, strings or durations', () => {
    expect(
      metricNames(
        'sum by (namespace, service) (rate(postback_a_total{outcome=~"x|y",service="$service"}[$__rate_interval])) / on (namespace) group_left (pod) max without (le) (postback_b offset 30m) > bool 1e3 and up == 0',
      ),
    ).toEqual(['postback_a_total', 'postback_b', 'up']);
    expect(metricNames('histogram_quantile(0.5, sum by (le, channel) (rate(m_bucket[10m]))) > 10')).toEqual(['m_bucket']);
    expect(metricNames('postback:lag:sum{consumer_group!~".+\\\\.retries"} > 1000 unless absent(up{service="a"})')).toEqual(['postback:lag:sum', 'up']);
    expect(metricNames('topk(3, sum(x)) or vector(0) - time()')).toEqual(['x']);
  });
});

describe('kustomize render', () => {
  it('renders the production overlay: namespace, image, labels and patches', () => {
    const resources = render(join(ROOT, 'deploy/k8s/overlays/production'), ROOT);
    const deployment = resources.find((r) => describeObject(r.object) === 'Deployment/config-service')!.object as never as {
      metadata: { namespace: string; labels: Record<string, string> };
      spec: { replicas: number; template: { spec: { containers: Array<{ image: string; env: Array<{ name: string; value?: string }> }> } } };
    };
    expect(deployment.metadata.namespace).toBe('postback');
    expect(deployment.metadata.labels['app.kubernetes.io/part-of']).toBe('postback-platform');
    expect(deployment.spec.replicas).toBe(3);
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe('registry.example.com/postback/postback-platform:0.1.0');
    expect(container.env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe('--max-old-space-size=768');
    expect(container.env.find((e) => e.name === 'DB_MIGRATE_ON_START')?.value).toBe('false');
    const topics = resources.filter((r) => r.object.kind === 'KafkaTopic').map((r) => r.object as never as { spec: { partitions: number; replicas: number } });
    expect(topics.length).toBeGreaterThan(5);
    expect(topics.every((t) => t.spec.replicas === 3)).toBe(true);
    expect(new Set(topics.map((t) => t.spec.partitions))).toEqual(new Set([1, 12]));
    expect(resources.find((r) => r.object.kind === 'Namespace')?.object.metadata).toMatchObject({ name: 'postback' });
  });

  it('merges lists by their merge key and deletes with null', () => {
    expect(
      strategicMerge(
        {
          containers: [
            {
              name: 'a',
              env: [
                { name: 'X', value: '1' },
                { name: 'Y', value: '2' },
              ],
              x: 1,
            },
          ],
        },
        { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }], x: null }] },
        '',
      ),
    ).toEqual({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'Y', value: '3' },
            { name: 'X', value: '1' },
          ],
        },
      ],
    });
  });

  it('refuses what it does not support, and patches that match nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    try {
      writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
      writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\nreplicas: []\n');
      expect(() => render(dir, dir)).toThrow(
        new KustomizeError('kustomization.yaml: field "replicas" is not supported by tools/deploy/kustomize.ts (extend it, or drop the field)'),
      );
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\npatches:\n  - target: {kind: Secret}\n    patch: "[{op: remove, path: /data}]"\n',
      );
      expect(() => render(dir, dir)).toThrow(/matches no resource/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** tools/deploy/check.ts in a child process (kubernetes-models is ESM only: no Jest module loader). */
async function runCheck(root: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'tools/deploy/check.ts'), '--root', root],
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 10 * 1024 * 1024 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

describe('tools/deploy/check.ts', () => {
  jest.setTimeout(120_000);

  it('passes on the repository', async () => {
    const { code, output } = await runCheck(ROOT);
    expect(output).toContain('manifests, PrometheusRule and metric references: ok');
    expect(code).toBe(0);
  });

  it('reports each broken deploy file by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-check-'));
    try {
      cpSync(join(ROOT, 'deploy'), join(dir, 'deploy'), { recursive: true });
      const edit = (file: string, from: string | RegExp, to: string) => {
        const path = join(dir, file);
        const text = readFileSync(path, 'utf8');
        const changed = text.replace(from, to);
        if (changed === text) throw new Error(`${file}: ${String(from)} not found`);
        writeFileSync(path, changed);
      };
      // A wrong field type in an overlay's patch, and in a CRD (Strimzi KafkaTopic).
      edit('deploy/k8s/overlays/production/config-service.yaml', 'replicas: 3', 'replicas: three');
      edit('deploy/k8s/base/kafka-topics.yaml', 'topicName: orders.events\n  partitions: 3', 'topicName: orders.events\n  partitions: many');
      // A ServiceMonitor endpoint with a scheme Prometheus does not know.
      edit('deploy/k8s/monitoring/servicemonitor.yaml', 'interval: 15s', 'interval: 15s\n      scheme: gopher');
      // A kind no schema knows, in a file no kustomization names.
      writeFileSync(join(dir, 'deploy/k8s/base/extra.yaml'), 'apiVersion: v1\nkind: Servise\nmetadata:\n  name: x\n');
      // A metric that does not exist, in alerts.yml (which also leaves the PrometheusRule behind) and in the dashboard.
      edit(
        'deploy/prometheus/alerts.yml',
        'expr: max by (namespace) (postback_outbox_oldest_age_seconds) > 30',
        'expr: max by (namespace) (postback_outbox_oldest_age) > 30',
      );
      edit(
        'deploy/grafana/dashboards/postback.json',
        'max(postback_outbox_pending{service=~\\"$service\\"})',
        'max(postback_outbox_pending_records{service=~\\"$servce\\"})',
      );

      const { code, output } = await runCheck(dir, { PB_DEPLOY_CHECK_KUBECTL: '0' });
      expect(code).toBe(1);
      expect(output).toMatch(
        /FAIL deploy\/k8s\/base\/config-service\.yaml \(rendered by deploy\/k8s\/overlays\/production, patched by deploy\/k8s\/overlays\/production\/config-service\.yaml\): Deployment\/config-service does not match the apps\/v1 Deployment schema: \/spec\/replicas must be integer/,
      );
      expect(output).toMatch(
        /FAIL deploy\/k8s\/base\/kafka-topics\.yaml \(rendered by deploy\/k8s\/base\): KafkaTopic\/orders\.events does not match the kafka\.strimzi\.io\/v1beta2 KafkaTopic schema: \/spec\/partitions must be integer/,
      );
      expect(output).toMatch(
        /FAIL deploy\/k8s\/monitoring\/servicemonitor\.yaml \(rendered by deploy\/k8s\/monitoring\): ServiceMonitor\/postback-platform does not match .*\/spec\/endpoints\/0\/scheme must be equal to one of the allowed values/,
      );
      expect(output).toMatch(/FAIL deploy\/k8s\/base\/extra\.yaml: Servise\/x: no schema for v1 Servise/);
      expect(output).toMatch(
        /FAIL deploy\/prometheus\/alerts\.yml \(postback-config\/PostbackOutboxDelayed\): metric postback_outbox_oldest_age is not exported by the services/,
      );
      expect(output).toMatch(/FAIL deploy\/k8s\/monitoring\/prometheusrule\.yaml: differs from the one generated from deploy\/prometheus\/alerts\.yml/);
      expect(output).toMatch(
        /FAIL deploy\/grafana\/dashboards\/postback\.json \(panel "[^"]+", query \w+\): metric postback_outbox_pending_records is not exported by the services/,
      );
      expect(output).toMatch(
        /FAIL deploy\/grafana\/dashboards\/postback\.json \(panel "[^"]+", query \w+\): variable \$servce is not defined by the dashboard/,
      );
      expect(output).toContain('8 problem(s) in the deploy files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
