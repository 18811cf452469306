// Typed HTTP errors: routes and services throw these; one middleware turns them into a page or JSON.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly messageKey: string,
    readonly expose = true,
  ) {
    super(messageKey);
    this.name = 'HttpError';
  }
}

export const badRequest = (key = 'errors:badRequest') => new HttpError(400, key);
export const forbidden = (key = 'errors:forbidden') => new HttpError(403, key);
export const notFound = (key = 'errors:notFound') => new HttpError(404, key);
export const conflict = (key = 'errors:conflict') => new HttpError(409, key);
export const unavailable = (key = 'errors:unavailable') => new HttpError(503, key);

/** A business rule refused the action: shown to the user as a flash message on the page they came from. */
export class RuleError extends Error {
  constructor(
    readonly messageKey: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(messageKey);
    this.name = 'RuleError';
  }
}
