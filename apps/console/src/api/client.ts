import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type FieldError = Schemas['FieldErrorDto'];

/** An answer of the API other than 2xx, with its one error body (code, message, field errors). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly details?: Record<string, unknown>,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field errors whose field is `field` or lies under it (`mapping.2.source` under `mapping`). */
  errorsFor(field: string): FieldError[] {
    return this.errors.filter((e) => e.field === field || e.field.startsWith(`${field}.`));
  }
}

/** The API did not answer at all (stopped, network down). */
export class ApiUnreachableError extends Error {
  constructor(cause: unknown) {
    super('The API is not answering. The config service may be stopped or restarting; this page retries on its own.');
    this.name = 'ApiUnreachableError';
    this.cause = cause;
  }
}

let currentKey: string | undefined;
const listeners = new Set<(event: 'unauthorized' | 'unreachable' | 'reachable') => void>();

/** The key for every request; kept in memory here and in sessionStorage by the session (never in a URL). */
export function setApiKey(key: string | undefined): void {
  currentKey = key;
}

/** Hears about 401s (signed out elsewhere, key revoked) and about the API going away or coming back. */
export function onApiEvent(listener: (event: 'unauthorized' | 'unreachable' | 'reachable') => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const emit = (event: 'unauthorized' | 'unreachable' | 'reachable') => listeners.forEach((l) => l(event));

const auth: Middleware = {
  onRequest({ request }) {
    if (currentKey) request.headers.set('X-Api-Key', currentKey);
    return request;
  },
  onResponse({ response }) {
    emit('reachable');
    if (response.status === 401 && currentKey) emit('unauthorized');
    return response;
  },
  onError({ error }) {
    emit('unreachable');
    return new ApiUnreachableError(error);
  },
};

/** The typed client, generated from the API's OpenAPI document (src/api/schema.d.ts). Same origin as the console. */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a 2xx answer, or an ApiError with the API's message and field errors. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw toApiError(response, error);
}

function toApiError(response: Response, error: unknown): ApiError {
  const body = (error ?? {}) as Partial<Schemas['ApiErrorDto']>;
  return new ApiError(
    response.status,
    body.code ?? `HTTP_${response.status}`,
    body.message ?? (response.statusText || `The API answered ${response.status}`),
    body.errors ?? [],
    body.details,
    body.requestId ?? response.headers.get('x-request-id') ?? undefined,
  );
}

/** A message for any error a query or mutation can end with. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError || error instanceof ApiUnreachableError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
