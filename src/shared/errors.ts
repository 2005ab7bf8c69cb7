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

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}
