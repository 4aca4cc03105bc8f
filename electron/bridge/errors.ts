import type { ContractError, ErrorCode } from '../contract/index.js';

/**
 * An expected failure a handler reports on purpose (`unavailable`, `not-found`, …).
 * Its message reaches the renderer; any other thrown value becomes `internal` and only
 * its log line says what happened.
 */
export class HandlerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HandlerError';
  }

  toContractError(): ContractError {
    return { code: this.code, message: this.message };
  }
}
