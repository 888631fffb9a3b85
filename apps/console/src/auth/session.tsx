import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, onApiEvent, setApiKey, unwrap, type Schemas } from '../api/client';

const STORAGE_KEY = 'postback.console.apiKey';

export type Me = Schemas['MeDto'];

interface Session {
  me: Me | undefined;
  /** True while a stored key is being checked at start. */
  restoring: boolean;
  signIn: (key: string) => Promise<Me>;
  signOut: (reason?: string) => void;
  /** Why the last session ended, when the platform ended it (key revoked). */
  endedBecause: string | undefined;
}

const SessionContext = createContext<Session | undefined>(undefined);

/**
 * The signed-in API key. It lives in memory and in this tab's sessionStorage (so a reload keeps
 * the session, and closing the tab ends it); it is sent only in the X-Api-Key header, never in a
 * URL, and never written to the page.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [me, setMe] = useState<Me | undefined>();
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(STORAGE_KEY) !== null);
  const [endedBecause, setEndedBecause] = useState<string | undefined>();
  /** Whether a key is signed in now (a 401 while signing in is the form's business, not a revocation). */
  const signedIn = useRef(false);

  const signOut = useCallback(
    (reason?: string) => {
      signedIn.current = false;
      sessionStorage.removeItem(STORAGE_KEY);
      setApiKey(undefined);
      setMe(undefined);
      setEndedBecause(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  const signIn = useCallback(async (key: string) => {
    setApiKey(key);
    try {
      const who = await unwrap(api.GET('/me'));
      sessionStorage.setItem(STORAGE_KEY, key);
      signedIn.current = true;
      setEndedBecause(undefined);
      setMe(who);
      return who;
    } catch (e) {
      setApiKey(undefined);
      throw e;
    }
  }, []);

  useEffect(() => {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (!stored) return;
    signIn(stored)
      // Only a refused key is forgotten; an API that is restarting is asked again on the next load.
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) sessionStorage.removeItem(STORAGE_KEY);
        else setEndedBecause('The API did not answer, so you are not signed in. Reload the page when it is back.');
      })
      .finally(() => setRestoring(false));
  }, [signIn]);

  useEffect(
    () =>
      onApiEvent((event) => {
        if (event === 'unauthorized' && signedIn.current) signOut('The API no longer accepts this key (it may have been revoked). Sign in again.');
      }),
    [signOut],
  );

  const value = useMemo(() => ({ me, restoring, signIn, signOut, endedBecause }), [me, restoring, signIn, signOut, endedBecause]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export const READ_ONLY_REASON = 'Your API key is read-only: it can see everything but change nothing. Sign in with an admin key to make changes.';

/** Whether the signed-in key may change things, and if not, the reason to show next to disabled controls. */
export function useWriteAccess(): { canWrite: boolean; reason: string | undefined } {
  const { me } = useSession();
  const canWrite = me?.canWrite ?? false;
  return { canWrite, reason: canWrite ? undefined : READ_ONLY_REASON };
}
