import { ACCOUNT_EVENT_TYPES } from '../domain/account/events';
import { badInput } from '../domain/errors';
import type { HistoryFilterData } from './timeline';

/** A history filter as a client sends it (GraphQL `HistoryFilter` or the export's query parameters). */
export interface HistoryFilterInput {
  types?: readonly string[] | null;
  actorId?: string | null;
  subjectUserId?: string | null;
  from?: string | null;
  to?: string | null;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ID_LENGTH = 200;

/** Epoch milliseconds of an ISO-8601 date-time with a time zone; BAD_USER_INPUT on `field` otherwise. */
export function parseMoment(value: string, field: string): number {
  const ms = ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw badInput(
      `${field} must be an ISO-8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z`,
      field,
    );
  return ms;
}

function optionalId(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (value.length === 0 || value.length > MAX_ID_LENGTH)
    throw badInput(`${field} must be 1 to ${MAX_ID_LENGTH} characters`, field);
  return value;
}

/** Checks a filter: known event types only, valid moments, `from` not after `to`. */
export function parseHistoryFilter(input: HistoryFilterInput, prefix = 'filter.'): HistoryFilterData {
  const known: readonly string[] = ACCOUNT_EVENT_TYPES;
  for (const type of input.types ?? []) {
    if (!known.includes(type)) throw badInput(`Unknown event type ${type.slice(0, 100)}`, `${prefix}types`);
  }
  const fromMs = input.from == null ? null : parseMoment(input.from, `${prefix}from`);
  const toMs = input.to == null ? null : parseMoment(input.to, `${prefix}to`);
  if (fromMs !== null && toMs !== null && toMs < fromMs)
    throw badInput('to must not be before from', `${prefix}to`);
  return {
    types: input.types ?? null,
    actorId: optionalId(input.actorId, `${prefix}actorId`),
    subjectUserId: optionalId(input.subjectUserId, `${prefix}subjectUserId`),
    fromMs,
    toMs,
  };
}
