import { createHash } from 'node:crypto';
import type { TriggerEntity } from './trigger.entity';

/**
 * Fingerprint of what a test-fire proves: where and how the postback goes, and exactly what it
 * renders (the template version in effect) and the contract it is checked against. Name, event types, retries and timeout are not part of
 * it: changing them needs no new test. Activation requires a passed test of the current fingerprint.
 */
export function triggerConfigHash(t: TriggerEntity, effectiveTemplateVersion: number): string {
  const material = {
    channel: t.channel,
    url: t.url,
    method: t.method,
    format: t.format,
    headers: Object.entries(t.headers ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    email: t.email,
    template: [t.templateId, effectiveTemplateVersion],
    // Only when set, so that triggers without a contract keep the fingerprint they were tested with.
    ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
    ...(t.fixturesFingerprint ? { fixtures: t.fixturesFingerprint } : {}),
  };
  return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}
