/**
 * The deploy files' checks that need no external binary (scripts/check-deploy.sh runs promtool and
 * docker-compose besides):
 *   - every kustomization under deploy/k8s renders (tools/deploy/kustomize.ts; compared with
 *     `kubectl kustomize` where a kubectl with kustomize v5 is installed), and every rendered object
 *     and every manifest outside a kustomization validates against its Kubernetes schema
 *     (kubernetes-models; Strimzi and Prometheus Operator CRDs from @kubernetes-models/*);
 *   - deploy/k8s/monitoring/prometheusrule.yaml is the one generated from alerts.yml;
 *   - every metric that alerts.yml and the Grafana dashboards query is exported by the services
 *     (tools/deploy/metrics.ts), recorded by a rule of alerts.yml, or a known external metric;
 *     dashboards use only variables they define.
 * Usage: ts-node tools/deploy/check.ts [--root DIR]   (DIR: a copy of the repository's deploy files)
 * Exits 1 with one line per problem, naming the file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, isObject, Json, JsonObject, KustomizeError, render, Resource, text } from './kustomize';
import { declaredMetrics, exportedMetrics, seriesNames } from './metrics';
import { ALERTS_FILE, generatePrometheusRule, PROMETHEUS_RULE_FILE } from './prometheus-rule';
import { metricNames } from './promql';

const REPO_ROOT = resolve(__dirname, '../..');
const K8S_DIR = 'deploy/k8s';
const DASHBOARDS_DIR = 'deploy/grafana/dashboards';

/**
 * Metrics from outside the services that the rules and dashboards may use (alerts.yml's header):
 * Prometheus' own `up`, the blackbox exporter's `probe_success` (docker-compose), and the
 * kube-state-metrics series the rules use (exact names: a typo must not pass).
 */
export const EXTERNAL_METRICS = new Map<string, string>([
  ['up', 'Prometheus'],
  ['probe_success', 'blackbox exporter'],
  ['kube_deployment_status_replicas_unavailable', 'kube-state-metrics'],
  ['kube_statefulset_replicas', 'kube-state-metrics'],
  ['kube_statefulset_status_replicas_ready', 'kube-state-metrics'],
]);

/** Grafana's built-in variables. */
const GRAFANA_VARIABLES = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__all',
  '__dashboard',
  '__from',
  '__to',
]);

type Validate = { validate(): void };
type ModelClass = new (data: object) => Validate;

// A real dynamic import (TypeScript would turn `import()` into require() under CommonJS): the
// kubernetes-models packages are ES modules only.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed body, no input evaluated
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

/** The kubernetes-models module of a kind, or undefined when no package knows it. */
function modelFile(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const nm = join(REPO_ROOT, 'node_modules');
  const candidates =
    group === 'monitoring.coreos.com'
      ? [join(nm, '@kubernetes-models/prometheus-operator', group, version, `${kind}.js`)]
      : group.endsWith('strimzi.io')
        ? [join(nm, '@kubernetes-models/strimzi-kafka-operator', group, version, `${kind}.js`)]
        : [join(nm, 'kubernetes-models', group || '', version, `${kind}.js`)];
  return candidates.find((f) => /^[\w.-]+$/.test(kind) && existsSync(f));
}

export class Problems {
  readonly list: string[] = [];
  readonly notes: string[] = [];
  add(file: string, problem: string): void {
    this.list.push(`${file}: ${problem}`);
  }
}

async function validateObject(object: JsonObject, where: string, problems: Problems): Promise<void> {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    problems.add(where, 'a manifest without apiVersion and kind');
    return;
  }
  const file = modelFile(apiVersion, kind);
  if (!file) {
    problems.add(where, `${describe(object)}: no schema for ${apiVersion} ${kind} (kubernetes-models knows no such kind)`);
    return;
  }
  const module = await importModule(pathToFileURL(file).href);
  const Model = module[kind] as ModelClass | undefined;
  if (!Model) {
    problems.add(where, `${describe(object)}: ${file} exports no ${kind}`);
    return;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath: string; message?: string; params?: unknown }> }).errors;
    const detail = errors?.length
      ? errors.map((x) => `${x.instancePath || '/'} ${x.message ?? ''} ${x.params ? JSON.stringify(x.params) : ''}`.trim()).join('; ')
      : String(e instanceof Error ? e.message : e);
    problems.add(where, `${describe(object)} does not match the ${apiVersion} ${kind} schema: ${detail}`);
  }
}

function findKustomizations(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  if (existsSync(join(dir, 'kustomization.yaml'))) out.push(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) out.push(...findKustomizations(join(dir, e.name)));
  return out;
}

/** Files a kustomization names (resources and patch paths). */
function referencedFiles(dir: string): string[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as JsonObject;
  const files: string[] = [];
  for (const r of Array.isArray(k.resources) ? k.resources : []) if (typeof r === 'string') files.push(resolve(dir, r));
  for (const p of Array.isArray(k.patches) ? k.patches : []) if (isObject(p) && typeof p.path === 'string') files.push(resolve(dir, p.path));
  return files;
}

function kubectlKustomize(): boolean {
  if (process.env.PB_DEPLOY_CHECK_KUBECTL === '0') return false;
  try {
    const out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return /Kustomize Version: v([5-9]|\d{2,})\./.test(out);
  } catch {
    return false;
  }
}

const canonical = (v: Json): Json =>
  Array.isArray(v)
    ? v.map(canonical)
    : isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical(v[k])]),
        )
      : v;
const key = (o: JsonObject) => `${text(o.apiVersion)} ${describe(o)} ${isObject(o.metadata) ? text(o.metadata.namespace ?? '') : ''}`;

function compareWithKubectl(dir: string, rendered: Resource[], rel: string, problems: Problems): void {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (e) {
    problems.add(rel, `kubectl kustomize failed: ${String((e as { stderr?: string }).stderr ?? e).trim()}`);
    return;
  }
  const theirs = new Map<string, string>();
  for (const d of parseAllDocuments(text)) {
    const o = d.toJS() as JsonObject | null;
    if (o) theirs.set(key(o), JSON.stringify(canonical(o)));
  }
  const ours = new Map(rendered.map((r) => [key(r.object), JSON.stringify(canonical(r.object))]));
  for (const k of new Set([...ours.keys(), ...theirs.keys()])) {
    if (ours.get(k) !== theirs.get(k)) problems.add(rel, `tools/deploy/kustomize.ts renders ${k} unlike kubectl kustomize (fix the renderer)`);
  }
}

export async function checkManifests(root: string, problems: Problems): Promise<void> {
  const k8s = join(root, K8S_DIR);
  const dirs = findKustomizations(k8s);
  if (dirs.length === 0) problems.add(K8S_DIR, 'no kustomization found');
  const covered = new Set<string>();
  const compare = kubectlKustomize();
  if (!compare) problems.notes.push('no kubectl with kustomize v5 here: the renders are not compared with kubectl kustomize');
  for (const dir of dirs) {
    const rel = relative(root, dir);
    referencedFiles(dir).forEach((f) => covered.add(f));
    let rendered: Resource[];
    try {
      rendered = render(dir, root);
    } catch (e) {
      problems.add(rel, e instanceof KustomizeError ? e.message : `cannot render: ${String(e)}`);
      continue;
    }
    const seen = new Set<string>();
    for (const r of rendered) {
      const k = key(r.object);
      if (seen.has(k)) problems.add(rel, `${k} is defined twice`);
      seen.add(k);
      const patched = r.patchedBy?.length ? `, patched by ${[...new Set(r.patchedBy)].join(', ')}` : '';
      await validateObject(r.object, `${r.source} (rendered by ${rel}${patched})`, problems);
    }
    if (compare) compareWithKubectl(dir, rendered, rel, problems);
  }
  // Manifests that no kustomization names (e.g. secret.example.yaml) are checked on their own.
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of existsSync(k8s) ? walk(k8s) : []) {
    if (!/\.ya?ml$/.test(file) || /kustomization\.ya?ml$/.test(file) || covered.has(file)) continue;
    const rel = relative(root, file);
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length) {
        problems.add(rel, `YAML error: ${doc.errors[0].message}`);
        continue;
      }
      const o = doc.toJS() as Json;
      if (o === null) continue;
      if (!isObject(o)) problems.add(rel, 'a document is not a mapping');
      else await validateObject(o, rel, problems);
    }
  }
}

export async function checkPrometheusRule(root: string, problems: Problems): Promise<void> {
  const file = join(root, PROMETHEUS_RULE_FILE);
  if (!existsSync(file)) {
    problems.add(PROMETHEUS_RULE_FILE, 'missing: run `npm run deploy:rules`');
    return;
  }
  let generated: string;
  try {
    generated = await generatePrometheusRule(readFileSync(join(root, ALERTS_FILE), 'utf8'));
  } catch (e) {
    problems.add(ALERTS_FILE, `cannot generate the PrometheusRule: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (readFileSync(file, 'utf8') !== generated) {
    problems.add(PROMETHEUS_RULE_FILE, `differs from the one generated from ${ALERTS_FILE}: run \`npm run deploy:rules\``);
  }
}

interface KnownMetrics {
  series: Set<string>;
  sourceOnly: Map<string, string>;
}

function knownMetrics(): KnownMetrics {
  const { series } = exportedMetrics();
  const sourceOnly = new Map<string, string>();
  for (const [name, { file, type }] of declaredMetrics(REPO_ROOT)) {
    if (series.has(name)) continue;
    for (const s of seriesNames(name, type)) {
      series.add(s);
      sourceOnly.set(s, file);
    }
  }
  return { series, sourceOnly };
}

function checkExpr(expr: string, where: string, allowed: Set<string>, known: KnownMetrics, problems: Problems, used: Set<string>): void {
  for (const name of metricNames(expr)) {
    used.add(name);
    if (!allowed.has(name) && !known.series.has(name) && !EXTERNAL_METRICS.has(name)) {
      problems.add(
        where,
        `metric ${name} is not exported by the services, recorded in ${ALERTS_FILE}, nor a known external metric (${[...EXTERNAL_METRICS.keys()].join(', ')})`,
      );
    }
  }
}

export function checkMetricReferences(root: string, problems: Problems): void {
  const known = knownMetrics();
  const used = new Set<string>();
  const recorded = new Set<string>();
  const alertsFile = join(root, ALERTS_FILE);
  const alerts = parse(readFileSync(alertsFile, 'utf8')) as { groups?: Array<{ name?: string; rules?: Array<Record<string, unknown>> }> };
  const rules = (alerts?.groups ?? []).flatMap((g) => (g.rules ?? []).map((r) => ({ group: g.name, rule: r })));
  for (const { rule } of rules) if (typeof rule.record === 'string') recorded.add(rule.record);
  for (const { group, rule } of rules) {
    const name = String(rule.alert ?? rule.record);
    if (typeof rule.expr !== 'string') problems.add(ALERTS_FILE, `${group}/${name}: no expr`);
    else checkExpr(rule.expr, `${ALERTS_FILE} (${group}/${name})`, recorded, known, problems, used);
  }

  const dashboards = join(root, DASHBOARDS_DIR);
  const files = existsSync(dashboards) ? readdirSync(dashboards).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) problems.add(DASHBOARDS_DIR, 'no dashboard');
  for (const f of files) {
    const rel = join(DASHBOARDS_DIR, f);
    let dashboard: JsonObject;
    try {
      dashboard = JSON.parse(readFileSync(join(dashboards, f), 'utf8')) as JsonObject;
    } catch (e) {
      problems.add(rel, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const templating = isObject(dashboard.templating) && Array.isArray(dashboard.templating.list) ? dashboard.templating.list : [];
    const variables = new Set(templating.filter(isObject).map((v) => text(v.name)));
    const checkVariables = (expr: string, where: string) => {
      for (const m of expr.matchAll(/\$(?:\{(\w+)[^}]*\}|(\w+))/g)) {
        const v = m[1] ?? m[2];
        if (!variables.has(v) && !GRAFANA_VARIABLES.has(v)) problems.add(where, `variable $${v} is not defined by the dashboard`);
      }
    };
    for (const v of templating.filter(isObject)) {
      const query = isObject(v.query) ? v.query.query : v.query;
      if (v.type !== 'query' || typeof query !== 'string') continue;
      // label_values(expr, label), query_result(expr); label_values(label), label_names(), metrics(re) select no metric
      const m = /^\s*(?:label_values\(\s*(.+?)\s*,\s*\w+\s*\)|query_result\((.+)\))\s*$/.exec(query);
      const expr = m ? (m[1] ?? m[2]) : /^\s*(label_values\(\s*\w+\s*\)|label_names\(.*\)|metrics\(.*\))\s*$/.test(query) ? '' : query;
      checkExpr(expr, `${rel} (variable ${text(v.name)})`, recorded, known, problems, used);
    }
    const walk = (panels: Json | undefined) => {
      for (const p of Array.isArray(panels) ? panels : []) {
        if (!isObject(p)) continue;
        for (const t of Array.isArray(p.targets) ? p.targets : []) {
          if (!isObject(t) || typeof t.expr !== 'string') continue;
          const where = `${rel} (panel "${text(p.title)}", query ${text(t.refId ?? '?')})`;
          checkExpr(t.expr, where, recorded, known, problems, used);
          checkVariables(t.expr, where);
        }
        walk(p.panels);
      }
    };
    walk(dashboard.panels);
  }
  const fromSource = [...used].filter((n) => known.sourceOnly.has(n));
  if (fromSource.length) {
    problems.notes.push(
      `metrics accepted from the source only (add their code to tools/deploy/metrics.ts): ${fromSource.map((n) => `${n} (${known.sourceOnly.get(n)})`).join(', ')}`,
    );
  }
}

export async function checkDeploy(root: string): Promise<Problems> {
  const problems = new Problems();
  await checkManifests(root, problems);
  await checkPrometheusRule(root, problems);
  checkMetricReferences(root, problems);
  return problems;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--root');
  const root = resolve(i > 0 ? process.argv[i + 1] : REPO_ROOT);
  const problems = await checkDeploy(root);
  for (const n of problems.notes) console.log(`note: ${n}`);
  if (problems.list.length) {
    for (const p of problems.list) console.error(`FAIL ${p}`);
    console.error(`${problems.list.length} problem(s) in the deploy files`);
    process.exit(1);
  }
  console.log('manifests, PrometheusRule and metric references: ok');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
}
