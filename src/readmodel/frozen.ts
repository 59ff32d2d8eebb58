import type { JsonValue } from '../eventstore/port';

/** Freezes a JSON value and everything in it, so it can be handed out without copying. */
export function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A frozen copy that shares nothing with `value`; throws when it is not JSON. */
export const frozenJsonCopy = <T extends JsonValue>(value: T): T =>
  deepFreeze(JSON.parse(JSON.stringify(value)) as T);

/** A mutable copy of a (possibly frozen) JSON value. */
export const mutableJsonCopy = <T extends JsonValue>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
