import type { DomainEvent } from '../decider';

export interface ProfileFields {
  email: string;
  name: string;
  company: string | null;
}

export type ProfileRegistered = DomainEvent<
  'ProfileRegistered',
  { userId: string; email: string; name: string; company: string | null; registeredAt: string }
>;

/**
 * `source: 'token'` — the identity provider's claims changed (`claims` records them);
 * `source: 'user'` — the person edited their profile; `source: 'admin'` — e.g. deactivation.
 */
export type ProfileUpdated = DomainEvent<
  'ProfileUpdated',
  {
    userId: string;
    source: 'token' | 'user' | 'admin';
    changes: { email?: string; name?: string; company?: string | null; active?: boolean };
    claims?: { email: string; name: string; company: string | null };
  }
>;

export type ProfileEvent = ProfileRegistered | ProfileUpdated;
