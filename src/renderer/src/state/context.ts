// The session is created once by App and handed down through Svelte context.
import { getContext, setContext } from 'svelte';
import type { Session } from './session.svelte.js';

const KEY = Symbol('panel-studio:session');

export function provideSession(session: Session): void {
  setContext(KEY, session);
}

export function useSession(): Session {
  const session = getContext<Session | undefined>(KEY);
  if (!session) throw new Error('useSession() called outside <App>');
  return session;
}
