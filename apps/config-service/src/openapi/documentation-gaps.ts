import type {
  MediaTypeObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Schema = SchemaObject | ReferenceObject;

/**
 * What the API document leaves undocumented, one line per gap, each naming the operation
 * (`POST /customers/{customerId}/triggers: …`). Every operation needs:
 * - a summary and a description;
 * - every `{name}` of its path declared as a path parameter, and a description and an example (or an
 *   enum) on every parameter;
 * - on a JSON request body, a media-type example or an example (or enum) on every property, nested
 *   objects included, and no untyped object (the generated client could not send anything in it);
 * - on every 2xx response but 204, a body with a schema that is typed (not `{}`, not a bare object),
 *   whose properties, nested ones included, each have a description or an example and are typed.
 */
export function documentationGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${path}`;
      try {
        for (const problem of operationGaps(document, path, operation, item.parameters ?? [])) gaps.push(`${name}: ${problem}`);
      } catch (e) {
        gaps.push(`${name}: ${(e as Error).message}`);
      }
    }
  }
  return gaps;
}

function operationGaps(doc: OpenAPIObject, path: string, op: OperationObject, shared: Array<ParameterObject | ReferenceObject>): string[] {
  const out: string[] = [];
  if (!op.summary?.trim()) out.push('no summary');
  if (!op.description?.trim()) out.push('no description');

  const parameters = [...shared, ...(op.parameters ?? [])].map((raw) => resolve<ParameterObject>(doc, raw));
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((p) => p.in === 'path' && p.name === name)) out.push(`path parameter "${name}" is not declared`);
  }
  for (const p of parameters) {
    const label = `${p.in} parameter "${p.name}"`;
    if (!p.description?.trim()) out.push(`${label} has no description`);
    if (!parameterHasExample(doc, p)) out.push(`${label} has no example or enum`);
  }

  if (op.requestBody) {
    const body = resolve<RequestBodyObject>(doc, op.requestBody);
    for (const [type, media] of jsonContent(body.content)) {
      if (media.example !== undefined || Object.keys(media.examples ?? {}).length > 0) continue;
      if (!media.schema) {
        out.push(`request body (${type}) has no schema`);
        continue;
      }
      for (const problem of requestSchemaGaps(doc, media.schema, '', new Set())) out.push(`request body ${problem}`);
    }
  }

  for (const [status, raw] of Object.entries(op.responses ?? {})) {
    if (!/^2/.test(status) || status === '204') continue;
    const response = resolve<ResponseObject>(doc, raw as ResponseObject | ReferenceObject);
    const content = Object.entries(response.content ?? {});
    if (content.length === 0) {
      out.push(`${status} response declares no body (declare its schema, or answer 204)`);
      continue;
    }
    for (const [type, media] of content) {
      if (!media.schema) out.push(`${status} response (${type}) has no schema`);
      else if (isUntyped(resolveSchema(doc, media.schema))) out.push(`${status} response (${type}) has an untyped schema`);
      else if (isJson(type)) for (const problem of responseSchemaGaps(doc, media.schema, '', new Set())) out.push(`${status} response ${problem}`);
    }
  }
  return out;
}

function parameterHasExample(doc: OpenAPIObject, p: ParameterObject): boolean {
  if (p.example !== undefined || Object.keys(p.examples ?? {}).length > 0) return true;
  return p.schema !== undefined && hasExample(resolveSchema(doc, p.schema));
}

/** Paths (dotted, `[]` for array elements) of request properties without an example, and untyped objects. */
function requestSchemaGaps(doc: OpenAPIObject, schema: Schema, at: string, seen: Set<string>): string[] {
  if (isRef(schema)) {
    if (seen.has(schema.$ref)) return [];
    seen = new Set(seen).add(schema.$ref);
  }
  const s = resolveSchema(doc, schema);
  if (hasExample(s)) return [];
  if (isUntyped(s)) return [`${describeAt(at)} is an untyped object`];
  const properties = propertiesOf(doc, s);
  if (properties.length === 0) {
    if (s.type === 'array' && s.items) return requestSchemaGaps(doc, s.items, `${at}[]`, seen);
    return [`${describeAt(at)} has no example`];
  }
  return properties.flatMap(([name, property]) => {
    const child = at ? `${at}.${name}` : name;
    const resolved = resolveSchema(doc, property);
    if (hasExample(property) || hasExample(resolved)) return isUntyped(resolved) ? [`property "${child}" is an untyped object`] : [];
    const element = resolved.type === 'array' && resolved.items ? resolveSchema(doc, resolved.items) : undefined;
    if (isStructured(doc, resolved) || (element && isStructured(doc, element))) return requestSchemaGaps(doc, property, child, seen);
    return [`property "${child}" has no example`];
  });
}

/** Response properties with neither a description nor an example, and untyped objects, at any depth. */
function responseSchemaGaps(doc: OpenAPIObject, schema: Schema, at: string, seen: Set<string>): string[] {
  if (isRef(schema)) {
    if (seen.has(schema.$ref)) return [];
    seen = new Set(seen).add(schema.$ref);
  }
  const s = resolveSchema(doc, schema);
  if (isUntyped(s)) return [`${describeAt(at)} is an untyped object`];
  const out: string[] = [];
  for (const [name, property] of propertiesOf(doc, s)) {
    const child = at ? `${at}.${name}` : name;
    // A reference to a model is documented by the model's own properties.
    const refersToModel = isRef(property) || property.allOf !== undefined || isRef(itemsOf(property));
    if (!refersToModel && !isDocumented(doc, property)) out.push(`property "${child}" has neither a description nor an example`);
    out.push(...responseSchemaGaps(doc, property, child, seen));
  }
  if (s.type === 'array' && s.items) out.push(...responseSchemaGaps(doc, s.items, `${at}[]`, seen));
  if (typeof s.additionalProperties === 'object') out.push(...responseSchemaGaps(doc, s.additionalProperties, `${at}{*}`, seen));
  return out;
}

function isDocumented(doc: OpenAPIObject, property: Schema): boolean {
  const s = resolveSchema(doc, property);
  return Boolean(s.description?.trim()) || hasExample(s);
}

/** An example, examples, or an enum (of the value or, for an array, of its elements). */
function hasExample(s: Schema): boolean {
  if (isRef(s)) return false;
  if (s.example !== undefined || (s.examples !== undefined && Object.keys(s.examples).length > 0) || (s.enum?.length ?? 0) > 0) return true;
  const items = s.type === 'array' ? s.items : undefined;
  return items !== undefined && !isRef(items) && ((items.enum?.length ?? 0) > 0 || items.example !== undefined);
}

/** `{}`, or an object, or an array of them, that says nothing of its content. */
function isUntyped(s: SchemaObject): boolean {
  if (s.allOf?.length || s.oneOf?.length || s.anyOf?.length) return false;
  if (s.type === 'array') return !s.items || (!isRef(s.items) && isUntyped(s.items));
  if (s.type !== undefined && s.type !== 'object') return false;
  const properties = Object.keys(s.properties ?? {}).length > 0;
  const additional = s.additionalProperties !== undefined && s.additionalProperties !== false;
  return !properties && !additional;
}

function isStructured(doc: OpenAPIObject, s: SchemaObject): boolean {
  return propertiesOf(doc, s).length > 0 || isUntyped(s);
}

/** Own properties and those of allOf members, references followed. */
function propertiesOf(doc: OpenAPIObject, s: SchemaObject): Array<[string, Schema]> {
  const own = Object.entries(s.properties ?? {});
  const inherited = (s.allOf ?? []).flatMap((member) => propertiesOf(doc, resolveSchema(doc, member)));
  return [...inherited, ...own];
}

function itemsOf(s: Schema): Schema | undefined {
  return !isRef(s) && s.type === 'array' ? s.items : undefined;
}

function resolveSchema(doc: OpenAPIObject, s: Schema): SchemaObject {
  return resolve<SchemaObject>(doc, s);
}

/** Follows `#/…` references (chains included). */
function resolve<T extends object>(doc: OpenAPIObject, value: T | ReferenceObject): T {
  let current: unknown = value;
  for (let hops = 0; isRef(current); hops++) {
    if (hops > 20) throw new Error(`reference cycle at ${current.$ref}`);
    const target = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);
    if (target === undefined) throw new Error(`unresolvable reference ${current.$ref}`);
    current = target;
  }
  return current as T;
}

function isRef(value: unknown): value is ReferenceObject {
  return typeof value === 'object' && value !== null && typeof (value as ReferenceObject).$ref === 'string';
}

function isJson(mediaType: string): boolean {
  const type = mediaType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

function jsonContent(content: RequestBodyObject['content'] | undefined): Array<[string, MediaTypeObject]> {
  return Object.entries(content ?? {}).filter(([type]) => isJson(type));
}

function describeAt(at: string): string {
  return at ? `property "${at}"` : 'schema';
}
