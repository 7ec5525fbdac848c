// Few, named errors. A UserError's message is written for the person who caused it and is shown to
// them as is; anything else is logged with context and the person gets a short apology.

export class UserError extends Error {
  override name = 'UserError';
  /** HTTP-ish status for API callers: 400 bad input, 403 not allowed, 404 missing, 409 conflict, 429 wait. */
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 = 400,
    readonly code = 'bad_request',
  ) {
    super(message);
  }
}

export class NotFoundError extends UserError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(message, 404, 'not_found');
  }
}

export class ForbiddenError extends UserError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super(message, 403, 'forbidden');
  }
}

export class IllegalTransitionError extends UserError {
  override name = 'IllegalTransitionError';
  constructor(message: string) {
    super(message, 409, 'illegal_transition');
  }
}
