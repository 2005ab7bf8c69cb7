// The status bar's last message. Messages are kept as i18n keys, so switching the language
// re-renders them; text from the host (error messages) travels as a parameter.
import type { MessageKey, Params } from '../i18n.svelte.js';

export interface StatusMessage {
  kind: 'info' | 'error';
  key: MessageKey;
  params?: Params;
  at: number;
}

export class StatusState {
  #message = $state.raw<StatusMessage | null>(null);

  get message(): StatusMessage | null {
    return this.#message;
  }

  info(key: MessageKey, params?: Params): void {
    this.#message = { kind: 'info', key, params, at: Date.now() };
  }

  error(key: MessageKey, params?: Params): void {
    this.#message = { kind: 'error', key, params, at: Date.now() };
  }

  clear(): void {
    this.#message = null;
  }
}
