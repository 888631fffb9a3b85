import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import type { OrderEventType } from '../../api/queries';
import { useDebounced } from '../../common/useDebounced';
import { ruleOf, type RuleDraft } from './mapping';

export type TemplateFormat = 'json' | 'xml' | 'form' | 'html' | 'text';
/** The formats the Template Mapper writes (html and text need a hand-written body). */
export type MapperFormat = 'json' | 'xml' | 'form';
export const MAPPER_FORMATS: readonly MapperFormat[] = ['json', 'xml', 'form'];
export const FORMAT_LABELS: Record<TemplateFormat, string> = { json: 'JSON', xml: 'XML', form: 'Form (URL-encoded)', html: 'HTML', text: 'Text' };

/** The format rules compile to: the chosen one when the mapper writes it, JSON otherwise. */
export function mapperFormatOf(format: TemplateFormat): MapperFormat {
  return (MAPPER_FORMATS as readonly string[]).includes(format) ? (format as MapperFormat) : 'json';
}

export interface PreviewSource {
  mode: 'mapper' | 'eta';
  rules: RuleDraft[];
  body: string;
  format: TemplateFormat;
  /** A sample of this event type, or a custom input. */
  input: { eventType: OrderEventType } | { input: Record<string, unknown> } | undefined;
}

/**
 * The live render: what the template makes of the input, through the same render as delivery
 * (POST /templates/preview), re-run 400 ms after the last edit, with the Eta body the rules compile
 * to. `sent` is the rules the answer is about (for placing its errors on the right rules).
 */
export function useLivePreview(source: PreviewSource) {
  // Debounced by value (the source object is new on every render).
  const sourceKey = JSON.stringify(source);
  const settledKey = useDebounced(sourceKey, 400);
  const settled = useMemo(() => JSON.parse(settledKey) as PreviewSource, [settledKey]);
  const built = settled.rules.map(ruleOf);
  const formProblems = built.some((b) => Object.keys(b.problems).length > 0);
  const ready = settled.input !== undefined && (settled.mode === 'mapper' ? settled.rules.length > 0 && !formProblems : settled.body.trim().length > 0);
  const request: Schemas['PreviewRequestDto'] | undefined = ready
    ? {
        ...(settled.mode === 'mapper' ? { mapping: built.map((b) => b.rule) } : { body: settled.body }),
        format: settled.mode === 'mapper' ? mapperFormatOf(settled.format) : settled.format,
        ...settled.input,
      }
    : undefined;
  const preview = useQuery({
    queryKey: ['preview', request],
    queryFn: () => unwrap(api.POST('/templates/preview', { body: request as Schemas['PreviewRequestDto'] })),
    enabled: !!request,
    retry: false,
    placeholderData: (previous) => (request ? previous : undefined),
    staleTime: Infinity,
  });
  const rules = built.map((b) => b.rule);
  const mapperFormat = mapperFormatOf(settled.format);
  const compiled = useQuery({
    queryKey: ['mapper-compile', rules, mapperFormat],
    queryFn: () => unwrap(api.POST('/mapper/compile', { body: { rules, format: mapperFormat } })),
    enabled: settled.mode === 'mapper' && ready,
    retry: false,
    placeholderData: (previous) => (settled.mode === 'mapper' && ready ? previous : undefined),
    staleTime: Infinity,
  });
  return { preview, compiled, sent: settled.rules, pending: settledKey !== sourceKey, ready };
}

/** The Eta body that rules compile to, asked for now (not debounced): for switching to hand-written Eta. */
export async function compileRules(rules: RuleDraft[], format: TemplateFormat): Promise<string> {
  const answer = await unwrap(api.POST('/mapper/compile', { body: { rules: rules.map((r) => ruleOf(r).rule), format: mapperFormatOf(format) } }));
  return answer.body;
}
