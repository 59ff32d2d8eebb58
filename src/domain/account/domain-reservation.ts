import type { Command, Decider, DomainEvent } from '../decider';
import { conflict } from '../errors';
import { normalizeDomainIdentifier, validateDomainIdentifier } from './domain-identifier';

/**
 * Makes domain identifiers unique across accounts: one stream per lower-cased identifier,
 * appended (expecting no stream) before the account is created, so of two concurrent
 * creations with the same identifier in any case only one wins.
 */
export const domainReservationStreamId = (domainIdentifier: string): string =>
  `domain-${normalizeDomainIdentifier(domainIdentifier)}`;

export type DomainIdentifierReserved = DomainEvent<
  'DomainIdentifierReserved',
  { domainIdentifier: string; accountId: string; at: string }
>;

export type ReservationEvent = DomainIdentifierReserved;

export type ReserveDomainIdentifierCommand = Command<
  'Reserve',
  { accountId: string; domainIdentifier: string }
>;

export type ReservationCommand = ReserveDomainIdentifierCommand;

export type ReservationState = { reservedBy: string | null; domainIdentifier: string | null };

function decide(command: ReservationCommand, state: ReservationState): ReservationEvent[] {
  const domainIdentifier = validateDomainIdentifier(command.data.domainIdentifier);
  if (state.reservedBy === command.data.accountId) return [];
  if (state.reservedBy !== null) throw conflict(`The domain identifier ${domainIdentifier} is already taken`);
  return [
    {
      type: 'DomainIdentifierReserved',
      data: { domainIdentifier, accountId: command.data.accountId, at: command.metadata.at },
    },
  ];
}

function evolve(state: ReservationState, event: ReservationEvent): ReservationState {
  switch (event.type) {
    case 'DomainIdentifierReserved':
      return { reservedBy: event.data.accountId, domainIdentifier: event.data.domainIdentifier };
    default:
      return state;
  }
}

export const domainReservationDecider: Decider<ReservationCommand, ReservationEvent, ReservationState> = {
  name: 'domain-reservation',
  initialState: () => ({ reservedBy: null, domainIdentifier: null }),
  decide,
  evolve,
};
