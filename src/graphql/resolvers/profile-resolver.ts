import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { profileKey, type ProfileDoc } from '../../../projections/profiles';
import { profileDecider, profileStreamId } from '../../domain/profile/decider';
import { DomainError } from '../../domain/errors';
import { callerOf, requireUser, type GraphQLContext } from '../context';
import { Profile, UpdateProfileInput } from '../types/profile';

async function loadProfile(context: GraphQLContext, userId: string): Promise<Profile> {
  const doc = await context.app.reads.get<ProfileDoc>(profileKey(userId));
  if (!doc) throw new DomainError('INTERNAL_SERVER_ERROR', 'Profile not yet available');
  return Profile.from(doc);
}

@Resolver()
export class ProfileResolver {
  @Query(() => Profile, { description: "The caller's profile (registered from the token on first sign-in)." })
  me(@Ctx() context: GraphQLContext): Promise<Profile> {
    return loadProfile(context, requireUser(context).actor.userId);
  }

  @Mutation(() => Profile)
  async updateMyProfile(
    @Arg('input', () => UpdateProfileInput) input: UpdateProfileInput,
    @Ctx() context: GraphQLContext,
  ): Promise<Profile> {
    const { userId } = requireUser(context).actor;
    await context.app.execute(
      profileDecider,
      profileStreamId(userId),
      { type: 'UpdateProfile', userId, name: input.name, company: input.company },
      callerOf(context),
    );
    return loadProfile(context, userId);
  }
}
