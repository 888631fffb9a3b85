import { Banner } from '../../common/Banner';
import { CopyButton } from '../../common/CopyButton';
import { Time } from '../../common/Time';

/** A signing secret, shown once: the customer verifies the webhook-signature header with it. */
export function SigningSecretNotice({ secret, rotated, previousUntil }: { secret: string; rotated?: boolean; previousUntil?: string | null }) {
  return (
    <Banner tone="warning" title={rotated ? 'The new signing secret, shown once.' : 'The signing secret, shown once.'}>
      <p>
        Give it to the customer: it verifies the <code>webhook-signature</code> header of every postback (Standard Webhooks). Store it now; it can be revealed
        again later by an admin, and every reveal is recorded in the audit log.
      </p>
      {rotated && (
        <p>
          {previousUntil ? (
            <>
              The old secret signs too until <Time iso={previousUntil} />: every postback carries both signatures until then.
            </>
          ) : (
            'The old secret no longer signs.'
          )}
        </p>
      )}
      <p className="secret-row">
        <input className="secret" readOnly value={secret} aria-label="Signing secret" size={Math.min(secret.length, 60)} onFocus={(e) => e.target.select()} />{' '}
        <CopyButton value={secret} label="Copy secret" />
      </p>
    </Banner>
  );
}
