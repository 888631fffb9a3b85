import { Injectable } from '@nestjs/common';
import { deliveryIdFor, OrderEventType, sampleEvent, sampleLifecycleAnnotation, TemplateFormat } from '@postback/contracts';
import {
  MappingRule,
  OutputSchemas,
  outputSchemaNotChecked,
  outputSchemaSubject,
  postbackMeta,
  RenderMeta,
  RenderResult,
  SchemaIssue,
  TemplateError,
  TemplateRenderer,
} from '@postback/templating';
import { InvalidInputError, InvalidTemplateError } from '../common/domain.errors';
import { TemplatesService } from '../templates/templates.service';
import { TriggersService } from '../triggers/triggers.service';

export interface PreviewRequest {
  /** A saved template, its latest version unless `version` is given… */
  templateId?: string;
  version?: number;
  /** …or an unsaved body, or unsaved mapping rules. */
  body?: string;
  mapping?: MappingRule[];
  format?: TemplateFormat;
  /** Render with this event type's sample (default order.shipped)… */
  eventType?: OrderEventType;
  /** …or with this custom input (an event, or any JSON object). */
  input?: Record<string, unknown>;
}

export interface PreviewResult {
  output: string;
  contentType: string;
  bytes: number;
  template: { id: string; version: number } | { unsaved: true };
  body: string;
  input: { eventType: OrderEventType } | { custom: true };
  schemaIssues?: SchemaIssue[];
  /** A trigger's preview with an output schema that does not apply to its format (XML): why it was not checked. */
  schemaNotChecked?: string;
}

/**
 * Renders a template for the operator exactly as live delivery would (the same `render()`),
 * with a sample event or custom input. An error, including output that is not valid JSON, is a
 * 422 naming the line.
 */
@Injectable()
export class PreviewService {
  private readonly schemas = new OutputSchemas(50);

  constructor(
    private readonly templates: TemplatesService,
    private readonly renderer: TemplateRenderer,
    private readonly triggers: TriggersService,
  ) {}

  async preview(req: PreviewRequest): Promise<PreviewResult> {
    const sources = [req.templateId, req.body, req.mapping].filter((x) => x !== undefined).length;
    if (sources !== 1) {
      throw new InvalidInputError('give exactly one of templateId, body or mapping', [
        { field: 'templateId', message: 'exactly one of templateId, body, mapping is needed' },
      ]);
    }
    let body: string;
    let format: TemplateFormat = req.format ?? 'json';
    let template: PreviewResult['template'] = { unsaved: true };
    if (req.templateId !== undefined) {
      const found = await this.templates.get(req.templateId);
      const version = req.version !== undefined ? await this.templates.getVersion(req.templateId, req.version) : found.version;
      body = version.body;
      format = found.template.format;
      template = { id: found.template.id, version: version.version };
    } else {
      body = this.templates.bodyOf(req.body, req.mapping, format);
    }
    const eventType = req.eventType ?? 'order.shipped';
    const input = req.input ?? sampleEvent(eventType);
    const rendered = await this.render(body, format, input, { deliveryId: 'msg_preview', attempt: 1, test: true });
    return { ...withoutDocument(rendered), template, body, input: req.input ? { custom: true } : { eventType } };
  }

  /**
   * A trigger's postback for an event, byte for byte what live delivery sends for it: the
   * trigger's template at the version its newest revision uses (the one a test-fire tests), and
   * the `meta` of a first live attempt (its delivery id, the trigger and customer). The sample
   * carries the trigger's customer id, as the customer's live events do.
   */
  async previewTrigger(customerId: string, triggerId: string, req: Pick<PreviewRequest, 'eventType' | 'input'>): Promise<PreviewResult> {
    const { trigger, latestTemplateVersion } = await this.triggers.get(customerId, triggerId);
    const version = await this.templates.getVersion(trigger.templateId, trigger.templateVersion ?? latestTemplateVersion);
    const { template } = await this.templates.get(trigger.templateId);
    const eventType = req.eventType ?? trigger.eventTypes[0] ?? 'order.shipped';
    const input = req.input ?? sampleEvent(eventType, { customerId });
    const eventId = typeof input.id === 'string' && input.id ? input.id : 'evt_preview';
    const meta = postbackMeta({
      deliveryId: deliveryIdFor(eventId, trigger.id),
      attempt: 1,
      test: false,
      trigger: { id: trigger.id, name: trigger.name, customerId: trigger.customerId },
      // An annotating trigger's templates read meta.lifecycle: the preview gives a first event's.
      lifecycle: trigger.outOfOrder === 'annotate' ? sampleLifecycleAnnotation() : undefined,
    });
    const rendered = await this.render(version.body, template.format, input, meta);
    const subject = trigger.outputSchema ? outputSchemaSubject(template.format, rendered) : undefined;
    const schemaIssues = trigger.outputSchema && subject !== undefined ? this.schemas.check(trigger.outputSchema, subject) : undefined;
    const schemaNotChecked = trigger.outputSchema ? outputSchemaNotChecked(template.format) : undefined;
    return {
      ...withoutDocument(rendered),
      ...(schemaNotChecked ? { schemaNotChecked } : {}),
      template: { id: template.id, version: version.version },
      body: version.body,
      input: req.input ? { custom: true } : { eventType },
      ...(schemaIssues ? { schemaIssues } : {}),
    };
  }

  private async render(body: string, format: TemplateFormat, input: object, meta: RenderMeta) {
    try {
      return await this.renderer.render({ body, format }, input, meta);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      throw new InvalidTemplateError(`the template failed to render: ${e.message}`, [{ field: 'body', message: e.reason, line: e.line, column: e.column }], {
        errorCode: e.code,
        ...(e.output !== undefined ? { output: e.output } : {}),
      });
    }
  }
}

/** The answer shows what is sent: a form's encoded fields (its JSON object stays internal). */
function withoutDocument(rendered: RenderResult): Omit<RenderResult, 'document'> {
  return { output: rendered.output, contentType: rendered.contentType, bytes: rendered.bytes };
}
