import type { DeliveryJob, TriggerSnapshot } from '@postback/contracts';
import { Context, endSpan, SpanKind, startSpan } from '@postback/observability';
import { describeSchemaIssues, OutputSchemas, outputSchemaSubject, postbackMeta, TemplateError, TemplateRenderer } from '@postback/templating';
import type { DeliveryMetrics } from './delivery.metrics';
import { eventInput } from './job-decoder';

export type Rendered = { ok: true; body: string; contentType: string } | { ok: false; error: { code: string; message: string } };

/**
 * Stage 3, render: the trigger's template over the job's event, through the same sandboxed
 * `render()` as the preview and the test-fire, with `meta` (delivery id, attempt, trigger,
 * customer, test, and `lifecycle` when the router annotated the job); then the customer's output contract, when the trigger has one: a payload that
 * does not meet its JSON Schema is never sent (SCHEMA_MISMATCH, with the failing paths; a form's
 * object is checked, XML is not). Either
 * fails the attempt for good: retrying renders the same. A replay after the fix delivers. With
 * a trace context (tracing on), the render is a `postback.render` span in it.
 */
export class PayloadRenderer {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly metrics: DeliveryMetrics,
    private readonly schemas = new OutputSchemas(),
  ) {}

  async render(job: DeliveryJob, trigger: TriggerSnapshot, context?: Context): Promise<Rendered> {
    if (!context) return this.renderUntraced(job, trigger);
    const span = startSpan('postback.render', SpanKind.INTERNAL, context, {
      'postback.template.id': trigger.template.id,
      'postback.template.version': trigger.template.version,
      'postback.template.format': trigger.template.format,
    });
    const rendered = await this.renderUntraced(job, trigger);
    if (rendered.ok) span.setAttribute('postback.render.bytes', Buffer.byteLength(rendered.body));
    endSpan(span, rendered.ok ? undefined : rendered.error);
    return rendered;
  }

  private async renderUntraced(job: DeliveryJob, trigger: TriggerSnapshot): Promise<Rendered> {
    const stop = this.metrics.renderDuration.startTimer();
    try {
      const rendered = await this.renderer.render(
        { body: trigger.template.body, format: trigger.template.format },
        eventInput(job),
        postbackMeta({ deliveryId: job.deliveryId, attempt: job.attempt, test: job.test, trigger, lifecycle: job.lifecycle }),
      );
      // JSON payloads, and a form's object, are checked; XML is not (see outputSchemaSubject).
      const subject = trigger.outputSchema ? outputSchemaSubject(trigger.template.format, rendered) : undefined;
      if (trigger.outputSchema && subject !== undefined) {
        const issues = this.schemas.check(trigger.outputSchema, subject);
        if (issues.length > 0) {
          this.metrics.renderErrors.inc({ code: 'SCHEMA_MISMATCH' });
          const message = `the payload of template ${trigger.template.id} v${trigger.template.version} does not meet the trigger's JSON Schema: ${describeSchemaIssues(issues)}`;
          return { ok: false, error: { code: 'SCHEMA_MISMATCH', message: message.slice(0, 2000) } };
        }
      }
      return { ok: true, body: rendered.output, contentType: rendered.contentType };
    } catch (e) {
      const err = e instanceof TemplateError ? e : new TemplateError('TEMPLATE_RUNTIME', (e as Error).message);
      this.metrics.renderErrors.inc({ code: err.code });
      return { ok: false, error: { code: err.code, message: `template ${trigger.template.id} v${trigger.template.version}: ${err.message}` } };
    } finally {
      stop();
    }
  }
}
