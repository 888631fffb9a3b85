import type { TriggerIndex } from '@postback/config-view';
import { configurationUnderTest, type DeliveryJob, type TriggerSnapshot } from '@postback/contracts';
import type { DeliveryChannel } from '../channels/channel';

export type Resolution =
  | { ok: true; trigger: TriggerSnapshot; channel: DeliveryChannel }
  | { ok: false; outcome: 'skipped' | 'failed'; error: { code: string; message: string }; trigger?: TriggerSnapshot };

/**
 * Stage 2, resolve the trigger: waits until this instance's view of the config topic has the
 * trigger revision the router matched (so a job is never handled against an older configuration),
 * then checks that the trigger may deliver and that its channel is there. A test job runs with the
 * trigger's changes waiting for a test (its draft), never a live one.
 */
export class TriggerResolver {
  constructor(
    private readonly index: TriggerIndex,
    private readonly channels: ReadonlyMap<string, DeliveryChannel>,
    private readonly configWaitMs: number,
  ) {}

  async resolve(job: DeliveryJob): Promise<Resolution> {
    const known = await this.index.waitFor(job.triggerId, job.triggerRevision, this.configWaitMs);
    if (!known) return { ok: false, outcome: 'skipped', error: { code: 'TRIGGER_NOT_FOUND', message: 'the trigger was deleted or is unknown' } };
    const trigger = job.test ? configurationUnderTest(known) : known;
    if (trigger.status !== 'active' && !job.test && !job.replay) {
      return { ok: false, outcome: 'skipped', error: { code: 'TRIGGER_INACTIVE', message: `the trigger is ${trigger.status}` }, trigger };
    }
    const channel = this.channels.get(trigger.channel);
    if (!channel)
      return { ok: false, outcome: 'failed', error: { code: 'CHANNEL_UNAVAILABLE', message: `no ${trigger.channel} channel in this service` }, trigger };
    return { ok: true, trigger, channel };
  }

  /** The trigger as this instance knows it now, without waiting (for reporting an unexpected failure). */
  known(triggerId: string): TriggerSnapshot | undefined {
    return this.index.get(triggerId);
  }
}
