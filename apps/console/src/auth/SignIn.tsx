import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, describeError } from '../api/client';
import { Banner } from '../common/Banner';
import { Button } from '../common/Button';
import { Field } from '../common/Field';
import { useSession } from './session';

/** Sign in with an API key. The key goes only into the X-Api-Key header; the form never puts it in the URL. */
export function SignIn() {
  const { signIn, endedBecause } = useSession();
  useEffect(() => {
    document.title = 'Sign in · Postback console';
  }, []);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  // The key is read from the form when it is sent; the field is not a controlled input, so the key
  // is never written into the page's HTML (not even as a value attribute).
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const entered = new FormData(e.currentTarget).get('apiKey');
    const key = typeof entered === 'string' ? entered : '';
    if (!key.trim()) {
      setError(new Error('Enter an API key.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    signIn(key.trim())
      .catch(setError)
      .finally(() => setBusy(false));
  };

  const message =
    error instanceof ApiError && error.status === 401
      ? 'The API does not accept this key: it is unknown or was revoked.'
      : error
        ? describeError(error)
        : undefined;

  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p>
        Use an API key of the postback platform. An <strong>admin</strong> key can change everything; a <strong>read-only</strong> key can look at everything.
        The local stack prints its admin key when it starts (<code>scripts/up.sh</code>).
      </p>
      {endedBecause && <Banner tone="warning">{endedBecause}</Banner>}
      <form method="post" action="#" onSubmit={submit} noValidate>
        <Field label="API key" errors={message ? [message] : []} hint="Kept only in this browser tab; closing the tab signs you out.">
          <input type="password" name="apiKey" autoComplete="off" spellCheck={false} />
        </Field>
        <Button type="submit" variant="primary" busy={busy}>
          Sign in
        </Button>
      </form>
    </section>
  );
}
