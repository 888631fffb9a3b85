import type { DeliveryJob, TriggerSnapshot } from '@postback/contracts';
import { describeSchemaIssues, OutputSchemas, postbackMeta, TemplateError, TemplateRenderer } from '@postback/templating';
import type { DeliveryMetrics } from './delivery.metrics';

export type Rendered = { ok: true; body: string; contentType: string } | { ok: false; error: { code: string; message: string } };

/**
 * Stage 3, render: the trigger's template over the job's event, through the same sandboxed
 * `render()` as the preview and the test-fire, with `meta` (delivery id, attempt, trigger,
 * customer, test); then the customer's output contract, when the trigger has one: a payload that
 * does not meet its JSON Schema is never sent (SCHEMA_MISMATCH, with the failing paths). Either
 * fails the attempt for good: retrying renders the same. A replay after the fix delivers.
 */
export class PayloadRenderer {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly metrics: DeliveryMetrics,
    private readonly schemas = new OutputSchemas(),
  ) {}

  async render(job: DeliveryJob, trigger: TriggerSnapshot): Promise<Rendered> {
    const stop = this.metrics.renderDuration.startTimer();
    try {
      const rendered = await this.renderer.render(
        { body: trigger.template.body, format: trigger.template.format },
        job.event,
        postbackMeta({ deliveryId: job.deliveryId, attempt: job.attempt, test: job.test, trigger }),
      );
      if (trigger.outputSchema && trigger.template.format === 'json') {
        const issues = this.schemas.check(trigger.outputSchema, rendered.output);
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
