import type { Client } from 'graphql-ws';

export interface WsOutcome {
  results: unknown[];
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Runs one operation on the client until it completes or fails. */
export function wsOutcome(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<WsOutcome> {
  const results: unknown[] = [];
  return new Promise((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (value) => results.push(value),
        error: (errors) => resolve({ results, errors: errors as WsOutcome['errors'] }),
        complete: () => resolve({ results }),
      },
    );
  });
}
