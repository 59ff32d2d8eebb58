import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AppApi } from '../../app/api';
import type { SignedInCaller } from '../../app/caller';
import { DomainError } from '../../domain/errors';
import { Caller, type GraphQLContext } from '../context';
import { Profile, UpdateProfileInput } from '../types/profile';

async function loadProfile(app: AppApi, userId: string): Promise<Profile> {
  const doc = await app.queries.profiles.byId(userId);
  if (!doc) throw new DomainError('INTERNAL_SERVER_ERROR', 'Profile not yet available');
  return Profile.from(doc);
}

@Resolver()
export class ProfileResolver {
  @Query(() => Profile, { description: "The caller's profile (registered from the token on first sign-in)." })
  me(@Caller() caller: SignedInCaller, @Ctx() { app }: GraphQLContext): Promise<Profile> {
    return loadProfile(app, caller.actor.userId);
  }

  @Mutation(() => Profile)
  async updateMyProfile(
    @Arg('input', () => UpdateProfileInput) input: UpdateProfileInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Profile> {
    await app.updateMyProfile(caller, input);
    return loadProfile(app, caller.actor.userId);
  }
}
