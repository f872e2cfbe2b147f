/**
 * GitHub's error responses. Every error body carries `message`, `documentation_url` and, as GitHub
 * has sent since 2024, the status as a string; validation failures add `errors[]`.
 */

export const DOCS_ROOT = 'https://docs.github.com/rest';

export interface ValidationDetail {
  readonly resource: string;
  readonly code:
    'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  readonly field?: string;
  readonly message?: string;
  readonly value?: string | number | null;
}

/** Thrown by a handler to answer with GitHub's error shape; the server turns it into a response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      readonly errors?: readonly (ValidationDetail | string)[];
      readonly docs?: string;
    } = {},
  ) {
    super(message);
  }

  /** The body, with the operation's documentation link when the route did not give its own. */
  body(routeDocs: string | undefined): Record<string, unknown> {
    const docs = this.extra.docs ?? routeDocs;
    return {
      message: this.message,
      ...(this.extra.errors !== undefined && { errors: this.extra.errors }),
      documentation_url: docs !== undefined && docs !== '' ? `${DOCS_ROOT}/${docs}` : DOCS_ROOT,
      status: String(this.status),
    };
  }
}

export const notFound = (): ApiError => new ApiError(404, 'Not Found');

export const validationFailed = (...errors: ValidationDetail[]): ApiError =>
  new ApiError(422, 'Validation Failed', { errors });

/** GitHub's `validation-error-simple`: "Unprocessable Entity" with the reasons as strings. */
export const unprocessableEntity = (...reasons: string[]): ApiError =>
  new ApiError(422, 'Unprocessable Entity', { errors: reasons });

/** A 422 whose message says it all, such as "Reference already exists". */
export const unprocessable = (message: string): ApiError => new ApiError(422, message);

/** GitHub's answer when a required body field is absent. */
export const fieldMissing = (field: string): ApiError =>
  new ApiError(422, `Invalid request.\n\n"${field}" wasn't supplied.`);

/** GitHub's answer when a field has the wrong type, e.g. a number where a string belongs. */
export const fieldInvalid = (field: string, value: unknown, expected: string): ApiError =>
  new ApiError(
    422,
    `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not a ${expected}.`,
  );

/** GitHub's limit on issue, pull request and comment bodies. */
export const MAX_BODY_LENGTH = 65_536;

/** Body lengths count characters as GitHub's Ruby does: code points, not UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
