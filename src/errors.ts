// Expected failures: what a person using Postbag can act on. Their messages say what went
// wrong and how to fix it, and are shown as they are: the `postbag` command prints them without
// a stack, and the error middleware (src/http/errors.ts) renders an HttpError with its status.
// Anything else is a bug: logged, and shown as a plain 500 or a stack.

export class UserError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A UserError that answers a web request with `status`. */
export class HttpError extends UserError {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export class BadRequest extends HttpError {
  constructor(message: string) {
    super(400, 'Bad request', message);
  }
}

export class NotFound extends HttpError {
  constructor(message = 'There is nothing at this address.') {
    super(404, 'Not found', message);
  }
}

export class Gone extends HttpError {
  constructor(message: string) {
    super(410, 'Closed', message);
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(message = 'Please send the form from the page it came from.') {
    super(415, 'Unsupported form', message);
  }
}

export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

export class TooManyRequests extends HttpError {
  constructor(message: string) {
    super(429, 'Too many attempts', message);
  }
}
