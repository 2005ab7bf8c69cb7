// Errors that cross process and IPC boundaries. Every message names what is wrong
// (file, line, column, variable) and is written for the user, not the developer.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'NO_PROJECT'
  | 'BAD_FILE'
  | 'BAD_DATA'
  | 'ESTIMATION'
  | 'CANCELLED'
  | 'WORKER_CRASHED'
  | 'PROJECT_LOCKED'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'AppError';
  }
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Messages echo names from the request; a megabyte-long name must not come back whole. */
export const MAX_ERROR_MESSAGE = 1000;

export function toErrorInfo(err: unknown): ErrorInfo {
  // keep the start (what) and the end (why: "name": reason) of an over-long message
  const clip = (m: string) => (m.length > MAX_ERROR_MESSAGE ? `${m.slice(0, 600)} … ${m.slice(m.length - (MAX_ERROR_MESSAGE - 603))}` : m);
  if (err instanceof AppError) return { code: err.code, message: clip(err.message) };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: clip(`Internal error: ${message}`) };
}
