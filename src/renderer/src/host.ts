// The one module that talks to the host: `window.api` under Electron (preload), or the loopback
// HTTP bridge in browser mode. Everything else in the renderer calls `host` and gets typed values;
// `{ ok: false }` envelopes become a thrown HostError carrying the code and a user-facing message.
// No Svelte here: the browser-mode path dialog is a component that registers itself through
// `setPathPrompt`.
import type { Envelope, ErrorCode } from '../../shared/errors.js';
import type { ArgsOf, Channel, EventMap, EventName, ResultOf } from '../../shared/ipc.js';

/** What preload exposes: raw envelopes, so errors cross the bridge as data, not exceptions. */
interface PreloadApi {
  invoke(channel: string, args: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    api?: PreloadApi;
  }
}

export type HostErrorCode = ErrorCode | 'CONNECTION' | 'UNAUTHORIZED';

export class HostError extends Error {
  readonly code: HostErrorCode;
  constructor(code: HostErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'HostError';
  }
}

export type PickPurpose = ArgsOf<'dialog:pick'>['purpose'];
export type PromptPurpose = Exclude<PickPurpose, 'import'>;
/** A chosen path; `fileName` is the original name when the file was uploaded (browser mode). */
export interface PickedPath {
  path: string;
  fileName?: string;
}
/** Browser mode asks for server-side paths in an in-app dialog registered here. */
export type PathPrompt = (purpose: PromptPurpose) => Promise<string | null>;

/** Channels without arguments are called as `invoke('project:current')`. */
export type InvokeArgs<C extends Channel> = ArgsOf<C> extends void ? [] : [args: ArgsOf<C>];

interface Transport {
  readonly mode: 'electron' | 'web';
  invoke(channel: Channel, args: unknown): Promise<Envelope<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  pick(purpose: PickPurpose): Promise<PickedPath | null>;
}

function electronTransport(api: PreloadApi): Transport {
  return {
    mode: 'electron',
    invoke: (channel, args) => api.invoke(channel, args),
    subscribe: (event, listener) => api.on(event, listener),
    async pick(purpose) {
      const env = await api.invoke('dialog:pick', { purpose } satisfies ArgsOf<'dialog:pick'>);
      return unwrap<ResultOf<'dialog:pick'>>(env);
    },
  };
}

const TOKEN_KEY = 'panel-studio:token';

/** Reads the token from `?token=` once, keeps it for reloads, and removes it from the address bar. */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

async function readEnvelope(response: Response): Promise<Envelope<unknown>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    if (response.status === 401 || response.status === 403) {
      return { ok: false, error: { code: 'INTERNAL', message: 'The session token was rejected; open the address printed by the server again.' } };
    }
    return { ok: false, error: { code: 'INTERNAL', message: `The server answered with HTTP ${response.status} and no readable reply.` } };
  }
  if (isEnvelope(body)) return body;
  return { ok: false, error: { code: 'INTERNAL', message: `Unexpected reply from the server (HTTP ${response.status}).` } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  const e = v.error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && typeof e.message === 'string';
}

function chooseLocalFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.csv,.tsv,.txt,.dta,.xlsx';
    input.hidden = true;
    input.dataset.testid = 'import-file-input';
    const done = (file: File | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => done(null), { once: true });
    document.body.append(input);
    input.click();
  });
}

function webTransport(getPrompt: () => PathPrompt | null): Transport {
  const token = takeToken();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  const requireToken = (): string => {
    if (!token) throw new HostError('UNAUTHORIZED', 'This page was opened without its access token; open the address printed by `npm run web`.');
    return token;
  };

  const post = async (url: string, init: RequestInit): Promise<Envelope<unknown>> => {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new HostError('CONNECTION', 'Cannot reach the Panel Studio server. Is it still running?');
    }
    if (response.status === 401 || response.status === 403) {
      throw new HostError('UNAUTHORIZED', 'The server rejected this page\u2019s access token; open the address printed by the server again.');
    }
    return readEnvelope(response);
  };

  const connect = () => {
    if (source || !token) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message: MessageEvent<string>) => {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof data !== 'object' || data === null) return;
      const { event, payload } = data as { event?: unknown; payload?: unknown };
      const set = typeof event === 'string' ? listeners.get(event as EventName) : undefined;
      if (set) for (const listener of [...set]) listener(payload);
    };
  };

  return {
    mode: 'web',
    invoke(channel, args) {
      return post('/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-panel-token': requireToken() },
        body: JSON.stringify({ channel, args }),
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      connect();
      return () => {
        set.delete(listener);
      };
    },
    async pick(purpose) {
      if (purpose === 'import') {
        const file = await chooseLocalFile();
        if (!file) return null;
        const env = await post(`/api/upload?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { 'x-panel-token': requireToken() },
          body: file,
        });
        const { path } = unwrap<{ path: string }>(env);
        return { path, fileName: file.name };
      }
      const prompt = getPrompt();
      if (!prompt) throw new HostError('INTERNAL', 'No path dialog is available yet.');
      const path = await prompt(purpose);
      return path ? { path } : null;
    },
  };
}

function unwrap<T>(env: Envelope<unknown>): T {
  if (env.ok) return env.value as T;
  throw new HostError(env.error.code, env.error.message);
}

class Host {
  readonly #transport: Transport;
  #prompt: PathPrompt | null = null;

  constructor() {
    this.#transport = window.api ? electronTransport(window.api) : webTransport(() => this.#prompt);
  }

  get mode(): 'electron' | 'web' {
    return this.#transport.mode;
  }

  async invoke<C extends Channel>(channel: C, ...args: InvokeArgs<C>): Promise<ResultOf<C>> {
    const env = await this.#transport.invoke(channel, args[0]);
    return unwrap<ResultOf<C>>(env);
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    // The payload shape is the contract in shared/ipc.ts; main is the only sender.
    return this.#transport.subscribe(event, (payload) => listener(payload as EventMap[E]));
  }

  /** Asks the user for a path: native dialog (Electron), upload or in-app dialog (browser). */
  pickPath(purpose: PickPurpose): Promise<PickedPath | null> {
    return this.#transport.pick(purpose);
  }

  /** Registers the in-app path dialog used in browser mode; returns an unregister function. */
  setPathPrompt(prompt: PathPrompt): () => void {
    this.#prompt = prompt;
    return () => {
      if (this.#prompt === prompt) this.#prompt = null;
    };
  }
}

export const host = new Host();

/** A message for the user from anything thrown by a host call; never a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof HostError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
