/**
 * A request the server refuses: the HTTP status and a message naming the record, field and rule, so
 * that a client can fix its request. Never a 500 for bad input.
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  readonly status: 400 | 404 | 413 | 503;
  constructor(status: RequestError['status'], message: string) {
    super(message);
    this.status = status;
  }
}
