/**
 * A minimal `kustomize build`: the subset of kustomize that deploy/k8s uses, and an error for any
 * field outside it (so a new feature in a kustomization is refused, not silently mis-rendered).
 *
 * Supported: resources (files and directories), namespace, labels (pairs; includeSelectors false,
 * includeTemplates false), images (name, newName, newTag), patches (path or inline patch; target by
 * group/version/kind/name/labelSelector; strategic-merge or JSON 6902 patches).
 * Strategic merge knows the merge keys of the lists that pod specs use (containers by name, env by
 * name, ports by containerPort, ...); other lists are replaced, as kustomize does for lists without
 * a merge key. Where `kubectl kustomize` is available, check.ts compares this render with its output.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Resource {
  /** The object as rendered. */
  object: JsonObject;
  /** The file it came from (relative to the repository root given to render()). */
  source: string;
  /** The patches applied to it, in order. */
  patchedBy?: string[];
}

export class KustomizeError extends Error {}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);

/** Kinds that are not namespaced (the namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'IngressClass',
]);

/** Merge keys of strategic merge patches (Kubernetes' patchMergeKey), by list field name. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  tolerations: 'key',
  topologySpreadConstraints: 'topologyKey',
  conditions: 'type',
};

/** A scalar as text (objects and lists as JSON). */
export function text(v: Json | undefined): string {
  return typeof v === 'string' ? v : v === undefined ? 'undefined' : JSON.stringify(v);
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseYamlFile(file: string): Json[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: Json[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new KustomizeError(`${file}: YAML error: ${doc.errors[0].message}`);
    const value = doc.toJS() as Json;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Renders the kustomization in `dir` (absolute, or relative to the current directory). */
export function render(dir: string, root = process.cwd()): Resource[] {
  const abs = resolve(dir);
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(abs, f)).find((f) => existsSync(f));
  if (!file) throw new KustomizeError(`${relative(root, abs) || '.'}: no kustomization.yaml`);
  const rel = relative(root, file);
  const [k] = parseYamlFile(file);
  if (!isObject(k)) throw new KustomizeError(`${rel}: not a mapping`);
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${rel}: field "${key}" is not supported by tools/deploy/kustomize.ts (extend it, or drop the field)`);
  }
  if (k.kind !== 'Kustomization') throw new KustomizeError(`${rel}: kind must be Kustomization`);

  let resources: Resource[] = [];
  for (const entry of asList(k.resources, rel, 'resources')) {
    if (typeof entry !== 'string') throw new KustomizeError(`${rel}: resources entries must be paths`);
    const target = join(abs, entry);
    if (!existsSync(target)) throw new KustomizeError(`${rel}: resource ${entry} does not exist`);
    if (statSync(target).isDirectory()) resources.push(...render(target, root));
    else {
      for (const doc of parseYamlFile(target)) {
        if (!isObject(doc)) throw new KustomizeError(`${relative(root, target)}: a document is not a mapping`);
        resources.push({ object: doc, source: relative(root, target) });
      }
    }
  }

  for (const patch of asList(k.patches, rel, 'patches')) {
    if (!isObject(patch)) throw new KustomizeError(`${rel}: patches entries must be mappings`);
    resources = applyPatch(resources, patch, abs, rel, root);
  }

  if (k.namespace !== undefined) {
    if (typeof k.namespace !== 'string') throw new KustomizeError(`${rel}: namespace must be a string`);
    for (const r of resources) {
      if (!CLUSTER_SCOPED.has(text(r.object.kind))) metadata(r.object).namespace = k.namespace;
    }
  }

  for (const label of asList(k.labels, rel, 'labels')) {
    if (!isObject(label) || !isObject(label.pairs)) throw new KustomizeError(`${rel}: labels entries need pairs`);
    for (const key of Object.keys(label)) {
      if (key !== 'pairs' && key !== 'includeSelectors' && key !== 'includeTemplates') throw new KustomizeError(`${rel}: labels.${key} is not supported`);
    }
    if (label.includeSelectors === true || label.includeTemplates === true) {
      throw new KustomizeError(`${rel}: labels with includeSelectors/includeTemplates true are not supported`);
    }
    for (const r of resources) {
      const meta = metadata(r.object);
      meta.labels = { ...(isObject(meta.labels) ? meta.labels : {}), ...label.pairs };
    }
  }

  for (const image of asList(k.images, rel, 'images')) {
    if (!isObject(image) || typeof image.name !== 'string') throw new KustomizeError(`${rel}: images entries need a name`);
    for (const key of Object.keys(image)) {
      if (!['name', 'newName', 'newTag'].includes(key)) throw new KustomizeError(`${rel}: images.${key} is not supported`);
    }
    for (const r of resources) setImages(r.object, image);
  }
  return resources;
}

function asList(v: Json | undefined, rel: string, field: string): Json[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`${rel}: ${field} must be a list`);
  return v;
}

function metadata(o: JsonObject): JsonObject {
  if (!isObject(o.metadata)) o.metadata = {};
  return o.metadata;
}

function setImages(node: Json, image: JsonObject): void {
  if (Array.isArray(node)) {
    node.forEach((x) => setImages(x, image));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const c of value) {
        if (!isObject(c) || typeof c.image !== 'string') continue;
        const m = /^([^@:]+(?::\d+\/[^@:]+)?)(?::([^@]+))?(@.+)?$/.exec(c.image);
        if (!m || m[1] !== image.name) continue;
        const name = typeof image.newName === 'string' ? image.newName : m[1];
        const tag = image.newTag !== undefined ? `:${text(image.newTag)}` : m[2] ? `:${m[2]}` : '';
        c.image = name + tag + (image.newTag !== undefined ? '' : (m[3] ?? ''));
      }
    } else setImages(value, image);
  }
}

function applyPatch(resources: Resource[], entry: JsonObject, dir: string, rel: string, root: string): Resource[] {
  for (const key of Object.keys(entry)) {
    if (!['path', 'patch', 'target'].includes(key)) throw new KustomizeError(`${rel}: patches.${key} is not supported`);
  }
  let text: string;
  let label: string;
  if (typeof entry.path === 'string') {
    const file = join(dir, entry.path);
    if (!existsSync(file)) throw new KustomizeError(`${rel}: patch ${entry.path} does not exist`);
    text = readFileSync(file, 'utf8');
    label = relative(root, file);
  } else if (typeof entry.patch === 'string') {
    text = entry.patch;
    label = `${rel} (inline patch)`;
  } else throw new KustomizeError(`${rel}: a patch needs path or patch`);

  const docs = parseAllDocumentsOf(text, label);
  const target = entry.target;
  if (target !== undefined && !isObject(target)) throw new KustomizeError(`${label}: target must be a mapping`);
  // JSON 6902: a list of operations (target required).
  if (docs.length === 1 && Array.isArray(docs[0])) {
    if (!target) throw new KustomizeError(`${label}: a JSON 6902 patch needs a target`);
    const matched = select(resources, target, label);
    for (const r of matched) {
      r.object = applyJson6902(r.object, docs[0], `${label} on ${describe(r.object)}`);
      r.patchedBy = [...(r.patchedBy ?? []), label];
    }
    return resources;
  }
  for (const doc of docs) {
    if (!isObject(doc)) throw new KustomizeError(`${label}: a strategic merge patch must be a mapping`);
    const matched = target
      ? select(resources, target, label)
      : select(resources, { kind: doc.kind ?? null, name: isObject(doc.metadata) ? (doc.metadata.name ?? null) : null, version: versionOf(doc) }, label);
    for (const r of matched) {
      const patch = structuredClone(doc);
      if (target && isObject(patch.metadata)) delete patch.metadata.name; // kustomize applies it to every target
      r.object = strategicMerge(r.object, patch, '') as JsonObject;
      r.patchedBy = [...(r.patchedBy ?? []), label];
    }
  }
  return resources;
}

function parseAllDocumentsOf(text: string, label: string): Json[] {
  const docs = parseAllDocuments(text);
  const out: Json[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new KustomizeError(`${label}: YAML error: ${d.errors[0].message}`);
    const v = d.toJS() as Json;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

function versionOf(o: JsonObject): string | null {
  return typeof o.apiVersion === 'string' ? (o.apiVersion.split('/').pop() ?? null) : null;
}

function groupOf(o: JsonObject): string {
  return typeof o.apiVersion === 'string' && o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
}

export function describe(o: JsonObject): string {
  const meta = isObject(o.metadata) ? o.metadata : {};
  return `${text(o.kind)}/${text(meta.name)}`;
}

function select(resources: Resource[], target: JsonObject, label: string): Resource[] {
  for (const key of Object.keys(target)) {
    if (!['group', 'version', 'kind', 'name', 'labelSelector'].includes(key)) throw new KustomizeError(`${label}: target.${key} is not supported`);
  }
  const matched = resources.filter(({ object: o }) => {
    const meta = isObject(o.metadata) ? o.metadata : {};
    if (typeof target.kind === 'string' && o.kind !== target.kind) return false;
    if (typeof target.name === 'string' && meta.name !== target.name) return false;
    if (typeof target.group === 'string' && groupOf(o) !== target.group) return false;
    if (typeof target.version === 'string' && versionOf(o) !== target.version) return false;
    if (typeof target.labelSelector === 'string') {
      const labels = isObject(meta.labels) ? meta.labels : {};
      for (const term of target.labelSelector.split(',')) {
        const m = /^\s*([\w./-]+)\s*(==?|!=)\s*([\w.-]*)\s*$/.exec(term);
        if (!m) throw new KustomizeError(`${label}: label selector term "${term}" is not supported`);
        const equal = labels[m[1]] === m[3];
        if (m[2] === '!=' ? equal : !equal) return false;
      }
    }
    return true;
  });
  if (matched.length === 0) throw new KustomizeError(`${label}: the patch matches no resource (target ${JSON.stringify(target)})`);
  return matched;
}

/** Strategic merge of `patch` into `base` (both plain JSON). */
export function strategicMerge(base: Json, patch: Json, field: string): Json {
  if (isObject(base) && isObject(patch)) {
    const out: JsonObject = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key === '$patch') continue;
      if (value === null) delete out[key];
      else out[key] = key in base ? strategicMerge(base[key], value, key) : value;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && MERGE_KEYS[field]) {
    // As kustomize orders them: the patch's items (merged into their base item) first, then the
    // base items the patch does not name.
    const mergeKey = MERGE_KEYS[field];
    const rest = [...base];
    const out: Json[] = [];
    for (const item of patch) {
      const index = isObject(item) ? rest.findIndex((x) => isObject(x) && x[mergeKey] === item[mergeKey]) : -1;
      if (index >= 0) out.push(strategicMerge(rest.splice(index, 1)[0], item, ''));
      else out.push(item);
    }
    return [...out, ...rest];
  }
  return patch;
}

function applyJson6902(object: JsonObject, ops: Json[], label: string): JsonObject {
  const doc = structuredClone(object);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw new KustomizeError(`${label}: an operation needs op and path`);
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    if (last === undefined) throw new KustomizeError(`${label}: path ${op.path} is the whole document`);
    let parent: Json = doc;
    for (const p of parts) {
      parent = Array.isArray(parent) ? parent[Number(p)] : isObject(parent) ? parent[p] : undefined!;
      if (parent === undefined) throw new KustomizeError(`${label}: path ${op.path} does not exist`);
    }
    if (!isObject(parent) && !Array.isArray(parent)) throw new KustomizeError(`${label}: path ${op.path} does not exist`);
    const exists = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, op.value ?? null);
        else parent[last] = op.value ?? null;
        break;
      case 'replace':
        if (!exists) throw new KustomizeError(`${label}: replace at ${op.path}: nothing there`);
        if (Array.isArray(parent)) parent[Number(last)] = op.value ?? null;
        else parent[last] = op.value ?? null;
        break;
      case 'remove':
        if (!exists) throw new KustomizeError(`${label}: remove at ${op.path}: nothing there`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      default:
        throw new KustomizeError(`${label}: op ${op.op} is not supported`);
    }
  }
  return doc;
}
