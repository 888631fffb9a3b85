/**
 * deploy/k8s/monitoring/prometheusrule.yaml, generated from deploy/prometheus/alerts.yml: the same
 * rule groups as a Prometheus Operator PrometheusRule, so that Kubernetes and docker-compose alert
 * alike. alerts.yml is the one to edit.
 *   npm run deploy:rules            rewrite the PrometheusRule
 *   npm run deploy:rules -- --check fail when the committed file differs (scripts/check-deploy.sh)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import { parse, stringify } from 'yaml';

const REPO_ROOT = resolve(__dirname, '../..');
export const ALERTS_FILE = 'deploy/prometheus/alerts.yml';
export const PROMETHEUS_RULE_FILE = 'deploy/k8s/monitoring/prometheusrule.yaml';

const HEADER = `# GENERATED from deploy/prometheus/alerts.yml by tools/deploy/prometheus-rule.ts: do not edit.
# Change alerts.yml, then run \`npm run deploy:rules\` (scripts/check-deploy.sh fails while the two
# differ). The metric names and labels are explained in alerts.yml's header.
`;

/** The PrometheusRule for an alerts.yml text, formatted as the repository's Prettier settings say. */
export async function generatePrometheusRule(alertsYaml: string): Promise<string> {
  const alerts = parse(alertsYaml) as { groups?: unknown };
  if (!alerts || !Array.isArray(alerts.groups)) throw new Error(`${ALERTS_FILE}: no groups`);
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'postback-platform',
      labels: { 'app.kubernetes.io/name': 'postback-platform', 'app.kubernetes.io/component': 'monitoring' },
    },
    spec: { groups: alerts.groups },
  };
  const text = HEADER + stringify(rule, { lineWidth: 0, blockQuote: 'literal' });
  const options = (await prettier.resolveConfig(join(REPO_ROOT, PROMETHEUS_RULE_FILE))) ?? {};
  return prettier.format(text, { ...options, parser: 'yaml' });
}

async function main(): Promise<void> {
  const root = REPO_ROOT;
  const generated = await generatePrometheusRule(readFileSync(join(root, ALERTS_FILE), 'utf8'));
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(join(root, PROMETHEUS_RULE_FILE), 'utf8');
    } catch {
      // missing: reported below
    }
    if (committed !== generated) {
      console.error(`${PROMETHEUS_RULE_FILE} is not the one generated from ${ALERTS_FILE}: run \`npm run deploy:rules\``);
      process.exit(1);
    }
    return;
  }
  writeFileSync(join(root, PROMETHEUS_RULE_FILE), generated);
  console.log(`wrote ${PROMETHEUS_RULE_FILE}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
