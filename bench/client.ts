/** Socket errors of a kept-alive connection the server had closed: the request never reached it. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function staleConnection(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const cause: unknown = error.cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' && STALE_CONNECTION.has(code);
}

/** A minimal GraphQL-over-HTTP client, as a browser or script would call the server. */
export class GraphQLClient {
  /** Requests sent again on a fresh connection (see `request`). */
  retries = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /**
   * The response's data; throws when the server answers with errors. A request that fails on
   * a stale kept-alive connection (the server closes idle ones after 5 s) is sent once more.
   */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const send = () =>
      fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
      });
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      if (!staleConnection(error)) throw error;
      process.stderr.write(`retrying on a fresh connection: ${String((error as TypeError).cause)}\n`);
      this.retries++;
      response = await send();
    }
    const body = (await response.json()) as { data?: T | null; errors?: Array<{ message: string }> };
    if (body.errors !== undefined || body.data === undefined || body.data === null) {
      const message = body.errors?.map((error) => error.message).join('; ') ?? 'no data';
      throw new Error(`GraphQL request failed (HTTP ${response.status}): ${message}`);
    }
    return body.data;
  }
}
