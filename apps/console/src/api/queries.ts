import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './client';

export type OrderEventType = Schemas['EventTypeInfoDto']['type'];
export type Customer = Schemas['CustomerDto'];
export type Trigger = Schemas['TriggerDto'];
export type TriggerRevision = Schemas['TriggerRevisionDto'];
export type Fixture = Schemas['FixtureDto'];
export type Template = Schemas['TemplateDto'];
export type TemplateSummary = Schemas['TemplateSummaryDto'];
export type MappingRule = Schemas['MappingRuleDto'];
export type Delivery = Schemas['DeliveryDto'];
export type DeliveryDetail = Schemas['DeliveryDetailDto'];
export type Attempt = Schemas['AttemptDto'];
export type ReplayJob = Schemas['ReplayJobDto'];
export type TestFireResult = Schemas['TestFireResultDto'];
export type PreviewResult = Schemas['PreviewResultDto'];
export type FieldInfo = Schemas['FieldInfoDto'];

/** Query keys in one place, so a change invalidates exactly what it affects. */
export const keys = {
  eventTypes: ['event-types'] as const,
  sample: (type: string) => ['event-types', type, 'sample'] as const,
  customers: ['customers'] as const,
  customerList: (q: string, offset: number) => ['customers', 'list', q, offset] as const,
  customer: (id: string) => ['customers', id] as const,
  templates: ['templates'] as const,
  templateList: (scope: string, offset: number) => ['templates', 'list', scope, offset] as const,
  template: (id: string) => ['templates', id] as const,
  templateVersions: (id: string) => ['templates', id, 'versions'] as const,
  triggers: (customerId: string) => ['customers', customerId, 'triggers'] as const,
  trigger: (customerId: string, id: string) => ['customers', customerId, 'triggers', id] as const,
  deliveries: ['deliveries'] as const,
  delivery: (id: string) => ['deliveries', id] as const,
  replays: ['replays'] as const,
  stats: ['stats'] as const,
  platform: ['platform'] as const,
  apiKeys: ['api-keys'] as const,
  audit: ['audit-log'] as const,
};

export const PAGE_SIZE = 20;

export function useEventTypes() {
  return useQuery({ queryKey: keys.eventTypes, queryFn: () => unwrap(api.GET('/event-types')), staleTime: Infinity });
}

/** "Order shipped" for order.shipped, from the catalogue (the setup guide's words). */
export function useEventTypeLabel(): (type: string) => string {
  const { data } = useEventTypes();
  return (type) => data?.find((t) => t.type === type)?.label ?? type;
}

export function useCustomers(q: string, offset: number) {
  return useQuery({
    queryKey: keys.customerList(q, offset),
    queryFn: () => unwrap(api.GET('/customers', { params: { query: { q: q || undefined, offset, limit: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string) {
  return useQuery({ queryKey: keys.customer(id), queryFn: () => unwrap(api.GET('/customers/{customerId}', { params: { path: { customerId: id } } })) });
}

/** Templates of the Templates section (`global`), of one customer (its id), or all (undefined). */
export function useTemplates(scope: string | undefined, offset = 0, limit = PAGE_SIZE) {
  return useQuery({
    queryKey: [...keys.templateList(scope ?? '*', offset), limit],
    queryFn: () => unwrap(api.GET('/templates', { params: { query: { scope, offset, limit } } })),
    placeholderData: keepPreviousData,
  });
}

export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: keys.template(id ?? ''),
    queryFn: () => unwrap(api.GET('/templates/{templateId}', { params: { path: { templateId: id ?? '' } } })),
    enabled: !!id,
  });
}

export function useTemplateVersions(id: string) {
  return useQuery({
    queryKey: keys.templateVersions(id),
    queryFn: () => unwrap(api.GET('/templates/{templateId}/versions', { params: { path: { templateId: id } } })),
  });
}

export function useTriggers(customerId: string, offset = 0) {
  return useQuery({
    queryKey: [...keys.triggers(customerId), offset],
    queryFn: () => unwrap(api.GET('/customers/{customerId}/triggers', { params: { path: { customerId }, query: { offset, limit: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
}

export function useTrigger(customerId: string, triggerId: string | undefined) {
  return useQuery({
    queryKey: keys.trigger(customerId, triggerId ?? ''),
    queryFn: () => unwrap(api.GET('/customers/{customerId}/triggers/{triggerId}', { params: { path: { customerId, triggerId: triggerId ?? '' } } })),
    enabled: !!triggerId,
  });
}

/** A trigger's revisions, newest first (under the trigger's key, so a change to it refreshes them). */
export function useTriggerRevisions(customerId: string, triggerId: string, offset = 0) {
  return useQuery({
    queryKey: [...keys.trigger(customerId, triggerId), 'revisions', offset],
    queryFn: () =>
      unwrap(
        api.GET('/customers/{customerId}/triggers/{triggerId}/revisions', { params: { path: { customerId, triggerId }, query: { limit: PAGE_SIZE, offset } } }),
      ),
  });
}

/** A trigger's fixtures (under the trigger's key). */
export function useTriggerFixtures(customerId: string, triggerId: string) {
  return useQuery({
    queryKey: [...keys.trigger(customerId, triggerId), 'fixtures'],
    queryFn: () => unwrap(api.GET('/customers/{customerId}/triggers/{triggerId}/fixtures', { params: { path: { customerId, triggerId } } })),
    enabled: !!triggerId,
  });
}

export interface DeliveryFilters {
  customerId?: string;
  triggerId?: string;
  eventType?: OrderEventType;
  status?: Delivery['status'];
  test?: boolean;
  from?: string;
  to?: string;
}

/** The delivery log, polled every few seconds so new deliveries appear without a reload. */
export function useDeliveries(filters: DeliveryFilters, offset: number, options: { live?: boolean; limit?: number } = {}) {
  return useQuery({
    queryKey: [...keys.deliveries, 'list', filters, offset, options.limit ?? PAGE_SIZE],
    queryFn: () => unwrap(api.GET('/deliveries', { params: { query: { ...filters, offset, limit: options.limit ?? PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
    refetchInterval: options.live === false ? false : 3000,
  });
}

export function useDelivery(id: string) {
  return useQuery({
    queryKey: keys.delivery(id),
    queryFn: () => unwrap(api.GET('/deliveries/{deliveryId}', { params: { path: { deliveryId: id } } })),
    refetchInterval: (q) => (q.state.data?.status === 'retrying' || q.state.data?.status === 'queued' ? 3000 : 10_000),
  });
}

export function useReplayJob(id: string | undefined) {
  return useQuery({
    queryKey: [...keys.replays, id],
    queryFn: () => unwrap(api.GET('/replays/{replayId}', { params: { path: { replayId: id ?? '' } } })),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 1000),
  });
}

export function useReplayJobs(filter: { customerId?: string; triggerId?: string }) {
  return useQuery({
    queryKey: [...keys.replays, 'list', filter],
    queryFn: () => unwrap(api.GET('/replays', { params: { query: { ...filter, limit: 10 } } })),
    refetchInterval: 3000,
  });
}
