/**
 * A deep copy of plain, JSON-friendly data that keeps prototype-free records prototype-free
 * (the account state keys records by user input, so `__proto__` must stay an ordinary key).
 * Snapshots are copied on the way in and on the way out: no two holders ever share one.
 */
export function cloneState<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  const source = value as Record<string, unknown>;
  const target: Record<string, unknown> =
    Object.getPrototypeOf(source) === null ? (Object.create(null) as Record<string, unknown>) : {};
  for (const key of Object.keys(source)) target[key] = copy(source[key]);
  return target;
}
