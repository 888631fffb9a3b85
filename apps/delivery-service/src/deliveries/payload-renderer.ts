import type { DeliveryJob, TriggerSnapshot } from '@postback/contracts';
import { postbackMeta, TemplateError, TemplateRenderer } from '@postback/templating';
import type { DeliveryMetrics } from './delivery.metrics';

export type Rendered = { ok: true; body: string; contentType: string } | { ok: false; error: { code: string; message: string } };

/**
 * Stage 3, render: the trigger's template over the job's event, through the same sandboxed
 * `render()` as the preview and the test-fire, with `meta` (delivery id, attempt, trigger,
 * customer, test). A template error fails the attempt for good: retrying renders the same.
 */
export class PayloadRenderer {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async render(job: DeliveryJob, trigger: TriggerSnapshot): Promise<Rendered> {
    const stop = this.metrics.renderDuration.startTimer();
    try {
      const rendered = await this.renderer.render(
        { body: trigger.template.body, format: trigger.template.format },
        job.event,
        postbackMeta({ deliveryId: job.deliveryId, attempt: job.attempt, test: job.test, trigger }),
      );
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
