import type { GraphQLFormattedError } from 'graphql';
import { Counter, Histogram, type Registry } from 'prom-client';
import { CONTRACT_CODES } from './errors';

export type Transport = 'http' | 'ws';

export interface ServerMetrics {
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** `outcome` is `ok` or the contract code of the operation's first error. */
  countOperation(transport: Transport, outcome: string): void;
}

type HttpLabels = 'method' | 'route' | 'status';
type OperationLabels = 'transport' | 'outcome';

/** Reuses a metric already on the registry, so starting a second server on one registry does not throw. */
function reuse<T>(
  registry: Registry,
  name: string,
  kind: abstract new (...args: never[]) => T,
  create: () => T,
): T {
  const existing = registry.getSingleMetric(name);
  return existing instanceof kind ? existing : create();
}

export function createServerMetrics(registry: Registry): ServerMetrics {
  const requests = reuse(
    registry,
    'http_requests_total',
    Counter<HttpLabels>,
    () =>
      new Counter<HttpLabels>({
        name: 'http_requests_total',
        help: 'HTTP requests served, by method, route and status',
        labelNames: ['method', 'route', 'status'],
        registers: [registry],
      }),
  );
  const duration = reuse(
    registry,
    'http_request_duration_seconds',
    Histogram<HttpLabels>,
    () =>
      new Histogram<HttpLabels>({
        name: 'http_request_duration_seconds',
        help: 'Time to serve an HTTP request, by method, route and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const operations = reuse(
    registry,
    'graphql_operations_total',
    Counter<OperationLabels>,
    () =>
      new Counter<OperationLabels>({
        name: 'graphql_operations_total',
        help: 'GraphQL operations, by transport and outcome (ok, or the code of the first error)',
        labelNames: ['transport', 'outcome'],
        registers: [registry],
      }),
  );
  return {
    observeHttp(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    countOperation(transport, outcome) {
      operations.inc({ transport, outcome });
    },
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Keeps the `method` label's values few whatever clients send. */
export const methodLabel = (method: string | undefined): string =>
  method !== undefined && KNOWN_METHODS.has(method) ? method : 'OTHER';

export function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): string {
  const code = errors?.[0]?.extensions?.code;
  if (errors === undefined || errors.length === 0) return 'ok';
  return CONTRACT_CODES.find((known) => known === code) ?? 'INTERNAL_SERVER_ERROR';
}
