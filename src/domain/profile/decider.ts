import type { Command, Decider } from '../decider';
import { notFound } from '../errors';
import { NAME_MAX, boundedText, optionalText } from '../validation';
import type { ProfileEvent, ProfileFields, ProfileUpdated } from './events';

export type ProfileCommand =
  /** Sent on every authenticated call: registers on first sight, follows changed claims. */
  | Command<'SyncProfileFromToken', { userId: string; claims: ProfileFields }>
  | Command<'UpdateProfile', { userId: string; name?: string | null; company?: string | null }>
  | Command<'SetProfileActive', { userId: string; active: boolean }>;

export interface ProfileState extends ProfileFields {
  registered: boolean;
  userId: string;
  active: boolean;
  registeredAt: string;
  /** The claims last seen in a token; a token changes the profile only when these change,
   * so a name the person chose in `updateMyProfile` is kept until the identity provider's changes. */
  claims: ProfileFields | null;
}

export const profileStreamId = (userId: string): string => `profile-${userId}`;

const initialState = (): ProfileState => ({
  registered: false,
  userId: '',
  email: '',
  name: '',
  company: null,
  active: true,
  registeredAt: '',
  claims: null,
});

const sameFields = (a: ProfileFields, b: ProfileFields) =>
  a.email === b.email && a.name === b.name && a.company === b.company;

function decide(command: ProfileCommand, state: ProfileState): ProfileEvent[] {
  switch (command.type) {
    case 'SyncProfileFromToken': {
      const { userId, claims } = command.data;
      const { at } = command.metadata;
      if (!state.registered) {
        return [{ type: 'ProfileRegistered', data: { userId, ...claims, registeredAt: at } }];
      }
      if (state.claims !== null && sameFields(state.claims, claims)) return [];
      const changes: ProfileUpdated['data']['changes'] = {};
      const previous = state.claims;
      if (previous === null || previous.email !== claims.email) changes.email = claims.email;
      if (previous === null || previous.name !== claims.name) changes.name = claims.name;
      if (previous === null || previous.company !== claims.company) changes.company = claims.company;
      return [{ type: 'ProfileUpdated', data: { userId, source: 'token', changes, claims: { ...claims } } }];
    }
    case 'UpdateProfile': {
      if (!state.registered) throw notFound('No such profile');
      const changes: ProfileUpdated['data']['changes'] = {};
      if (command.data.name !== undefined && command.data.name !== null) {
        const name = boundedText(command.data.name, 'name', 1, NAME_MAX);
        if (name !== state.name) changes.name = name;
      }
      if (command.data.company !== undefined) {
        const company = optionalText(command.data.company, 'company', NAME_MAX);
        if (company !== state.company) changes.company = company;
      }
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'ProfileUpdated', data: { userId: state.userId, source: 'user', changes } }];
    }
    case 'SetProfileActive': {
      if (!state.registered) throw notFound('No such profile');
      if (state.active === command.data.active) return [];
      return [
        {
          type: 'ProfileUpdated',
          data: { userId: state.userId, source: 'admin', changes: { active: command.data.active } },
        },
      ];
    }
  }
}

function evolve(state: ProfileState, event: ProfileEvent): ProfileState {
  switch (event.type) {
    case 'ProfileRegistered': {
      const { userId, email, name, company, registeredAt } = event.data;
      return {
        registered: true,
        userId,
        email,
        name,
        company,
        active: true,
        registeredAt,
        claims: { email, name, company },
      };
    }
    case 'ProfileUpdated': {
      const { changes, claims } = event.data;
      return { ...state, ...changes, claims: claims ?? state.claims };
    }
  }
}

export const profileDecider: Decider<ProfileCommand, ProfileEvent, ProfileState> = {
  name: 'profile',
  initialState,
  decide,
  evolve,
};
