import { Injectable } from '@nestjs/common';
import { OrderEventType, sampleEvent, TemplateFormat } from '@postback/contracts';
import { MappingRule, TemplateError, TemplateRenderer } from '@postback/templating';
import { InvalidInputError, InvalidTemplateError } from '../common/domain.errors';
import { TemplatesService } from '../templates/templates.service';

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
}

/**
 * Renders a template for the operator exactly as live delivery would (the same `render()`),
 * with a sample event or custom input. An error, including output that is not valid JSON, is a
 * 422 naming the line.
 */
@Injectable()
export class PreviewService {
  constructor(
    private readonly templates: TemplatesService,
    private readonly renderer: TemplateRenderer,
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
    try {
      const rendered = await this.renderer.render({ body, format }, input, { deliveryId: 'msg_preview', attempt: 1, test: true });
      return { ...rendered, template, body, input: req.input ? { custom: true } : { eventType } };
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      throw new InvalidTemplateError(`the template failed to render: ${e.message}`, [{ field: 'body', message: e.reason, line: e.line, column: e.column }], {
        errorCode: e.code,
        ...(e.output !== undefined ? { output: e.output } : {}),
      });
    }
  }
}
