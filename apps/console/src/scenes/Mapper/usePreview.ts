import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import type { MappingRule, OrderEventType } from '../../api/queries';
import { useDebounced } from '../../common/useDebounced';

export type TemplateFormat = 'json' | 'html' | 'text';

export interface PreviewSource {
  mode: 'mapper' | 'eta';
  rules: MappingRule[];
  body: string;
  format: TemplateFormat;
  /** A sample of this event type, or a custom input. */
  input: { eventType: OrderEventType } | { input: Record<string, unknown> } | undefined;
}

/**
 * The live render: what the template makes of the input, through the same render as delivery
 * (POST /templates/preview), re-run 400 ms after the last edit. In mapper mode also the Eta body
 * the rules compile to (POST /mapper/compile).
 */
export function useLivePreview(source: PreviewSource) {
  // Debounced by value (the source object is new on every render).
  const sourceKey = JSON.stringify(source);
  const settledKey = useDebounced(sourceKey, 400);
  const settled = useMemo(() => JSON.parse(settledKey) as PreviewSource, [settledKey]);
  const ready = settled.input !== undefined && (settled.mode === 'mapper' ? settled.rules.length > 0 : settled.body.trim().length > 0);
  const request: Schemas['PreviewRequestDto'] | undefined = ready
    ? {
        ...(settled.mode === 'mapper' ? { mapping: settled.rules } : { body: settled.body }),
        format: settled.mode === 'mapper' ? 'json' : settled.format,
        ...settled.input,
      }
    : undefined;
  const preview = useQuery({
    queryKey: ['preview', request],
    queryFn: () => unwrap(api.POST('/templates/preview', { body: request as Schemas['PreviewRequestDto'] })),
    enabled: !!request,
    retry: false,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const compiled = useQuery({
    queryKey: ['mapper-compile', settled.rules],
    queryFn: () => unwrap(api.POST('/mapper/compile', { body: { rules: settled.rules } })),
    enabled: settled.mode === 'mapper' && settled.rules.length > 0,
    retry: false,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  return { preview, compiled, pending: settledKey !== sourceKey, ready };
}
