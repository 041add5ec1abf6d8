// Expected failures, each with the HTTP status it maps to. The error middleware
// (src/http/errors.ts) renders them; anything else is a bug and becomes a plain 500.

export class ExpectedError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends ExpectedError {
  constructor(message: string) {
    super(400, 'Bad request', message);
  }
}

export class NotFound extends ExpectedError {
  constructor(message = 'There is nothing at this address.') {
    super(404, 'Not found', message);
  }
}

export class Gone extends ExpectedError {
  constructor(message: string) {
    super(410, 'Closed', message);
  }
}


export class UnsupportedMediaType extends ExpectedError {
  constructor(message = 'Please send the form from the page it came from.') {
    super(415, 'Unsupported form', message);
  }
}

export class Forbidden extends ExpectedError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

export class TooManyRequests extends ExpectedError {
  constructor(message: string) {
    super(429, 'Too many attempts', message);
  }
}
