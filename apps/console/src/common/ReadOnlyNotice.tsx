import { useWriteAccess } from '../auth/session';

export const READ_ONLY_REASON_ID = 'read-only-reason';

/** Shown at the top of every page for a read-only key: why the controls that change things are disabled. */
export function ReadOnlyNotice() {
  const { canWrite, reason } = useWriteAccess();
  if (canWrite) return null;
  return (
    <p className="banner banner-info" id={READ_ONLY_REASON_ID}>
      <strong>Read-only.</strong> {reason}
    </p>
  );
}
