import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  accessRequestKey,
  accountExternalGrantsKey,
  accountRequestsKey,
  groupGrantsKey,
  userRequestsKey,
  type AccessRequestDoc,
  type ExternalGrantDoc,
} from '../../../projections/access-requests';
import { profileKey, type ProfileDoc } from '../../../projections/profiles';
import { DomainError, forbidden, notFound } from '../../domain/errors';
import { runOnAccount } from '../account-commands';
import { readableRequest, requestPage, toExternalGrants, type StatusFilter } from '../access-request-views';
import { loadAccountDoc, toRoleAssignments } from '../account-views';
import { callerOf, requireUser, type GraphQLContext } from '../context';
import {
  AccessRequest,
  AccessRequestConnection,
  AccessRequestStatusEnum,
  ApproveAccessRequestInput,
  DeclineAccessRequestInput,
  ExternalGroupGrant,
  GrantExternalGroupAccessInput,
  RequestAccessInput,
  RequestGroupAccessInput,
  RevokeExternalGroupAccessInput,
} from '../types/access-request';
import { RoleAssignment, SmartAccount, UserGroup } from '../types/account';
import type { Connection } from '../types/connection';
import { Profile } from '../types/profile';

function signedIn(context: GraphQLContext) {
  const { actor } = requireUser(context);
  return { ...callerOf(context), actor };
}

async function requestAfterWrite(context: GraphQLContext, requestId: string): Promise<AccessRequest> {
  const doc = await context.app.reads.get<AccessRequestDoc>(accessRequestKey(requestId));
  if (!doc) throw new Error(`access request ${requestId} missing from the read model after a write`);
  return AccessRequest.from(doc);
}

@Resolver(() => AccessRequest)
export class AccessRequestResolver {
  @Query(() => AccessRequestConnection)
  myAccessRequests(
    @Ctx() context: GraphQLContext,
    @Arg('status', () => AccessRequestStatusEnum, { nullable: true }) status?: StatusFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<AccessRequest>> {
    const { actor } = requireUser(context);
    return requestPage(context.app.reads, userRequestsKey(actor.userId, status), first, after);
  }

  @Query(() => AccessRequest, { nullable: true })
  accessRequest(
    @Arg('id', () => ID) id: string,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest | null> {
    return readableRequest(context.app, requireUser(context).actor, id);
  }

  @FieldResolver(() => Profile, {
    description:
      'The person who filed it (for GROUP requests: the administrator who filed it for the group).',
  })
  async requester(@Root() request: AccessRequest, @Ctx() context: GraphQLContext): Promise<Profile> {
    const doc = await context.app.reads.get<ProfileDoc>(profileKey(request.doc.requesterId));
    if (!doc) throw new DomainError('INTERNAL_SERVER_ERROR', 'Profile not available');
    return Profile.from(doc);
  }

  @FieldResolver(() => [RoleAssignment], { description: 'The access granted on approval.' })
  async grantedRoles(
    @Root() request: AccessRequest,
    @Ctx() context: GraphQLContext,
  ): Promise<RoleAssignment[]> {
    const account = await loadAccountDoc(context.app.reads, request.doc.accountId);
    return account ? toRoleAssignments(context.app.reads, account, request.doc.grantedRoles) : [];
  }

  @Mutation(() => AccessRequest)
  async requestAccess(
    @Arg('input', () => RequestAccessInput) input: RequestAccessInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest> {
    const id = await context.app.accessRequests.requestAccess(
      signedIn(context),
      input.domainIdentifier,
      input.reason,
    );
    return requestAfterWrite(context, id);
  }

  @Mutation(() => AccessRequest)
  async requestGroupAccess(
    @Arg('input', () => RequestGroupAccessInput) input: RequestGroupAccessInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest> {
    const id = await context.app.accessRequests.requestGroupAccess(signedIn(context), input);
    return requestAfterWrite(context, id);
  }

  @Mutation(() => AccessRequest)
  async sendAccessRequestReminder(
    @Arg('requestId', () => ID) requestId: string,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest> {
    await context.app.accessRequests.onRequest(signedIn(context), requestId, {
      type: 'SendAccessReminder',
      requestId,
      reminderIntervalSeconds: context.app.config.accessReminderIntervalSeconds,
    });
    return requestAfterWrite(context, requestId);
  }

  @Mutation(() => AccessRequest)
  async cancelAccessRequest(
    @Arg('requestId', () => ID) requestId: string,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest> {
    await context.app.accessRequests.onRequest(signedIn(context), requestId, {
      type: 'CancelAccessRequest',
      requestId,
    });
    return requestAfterWrite(context, requestId);
  }

  @Mutation(() => AccessRequest)
  async approveAccessRequest(
    @Arg('input', () => ApproveAccessRequestInput) input: ApproveAccessRequestInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest> {
    await context.app.accessRequests.onRequest(signedIn(context), input.requestId, {
      type: 'ApproveAccessRequest',
      requestId: input.requestId,
      roles: input.roles ?? null,
      message: input.message ?? null,
    });
    return requestAfterWrite(context, input.requestId);
  }

  @Mutation(() => AccessRequest)
  async declineAccessRequest(
    @Arg('input', () => DeclineAccessRequestInput) input: DeclineAccessRequestInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AccessRequest> {
    await context.app.accessRequests.onRequest(signedIn(context), input.requestId, {
      type: 'DeclineAccessRequest',
      requestId: input.requestId,
      message: input.message ?? null,
    });
    return requestAfterWrite(context, input.requestId);
  }

  @Mutation(() => ExternalGroupGrant, {
    description: 'Approve a GROUP request found by the lookup ID in its email.',
  })
  async grantExternalGroupAccess(
    @Arg('input', () => GrantExternalGroupAccessInput) input: GrantExternalGroupAccessInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ExternalGroupGrant> {
    const result = await runOnAccount(context, input.accountId, {
      type: 'GrantExternalGroupAccess',
      lookupId: input.lookupId,
      access: input.access,
      message: input.message ?? null,
    });
    const granted = result.events.find((event) => event.type === 'ExternalGroupAccessGranted');
    if (!granted || granted.type !== 'ExternalGroupAccessGranted')
      throw notFound('No access request has this lookup ID');
    const grants =
      (await context.app.reads.get<ExternalGrantDoc[]>(accountExternalGrantsKey(input.accountId))) ?? [];
    const grant = grants.find((g) => g.groupId === granted.data.groupId);
    if (!grant) throw new Error('grant missing from the read model after a write');
    const [view] = await toExternalGrants(context.app.reads, [grant]);
    return view;
  }

  @Mutation(() => ID)
  async revokeExternalGroupAccess(
    @Arg('input', () => RevokeExternalGroupAccessInput) input: RevokeExternalGroupAccessInput,
    @Ctx() context: GraphQLContext,
  ): Promise<string> {
    await runOnAccount(context, input.accountId, {
      type: 'RevokeExternalGroupAccess',
      groupId: input.groupId,
    });
    return input.groupId;
  }
}

@Resolver(() => SmartAccount)
export class SmartAccountRequestFields {
  @FieldResolver(() => AccessRequestConnection)
  accessRequests(
    @Root() account: SmartAccount,
    @Ctx() context: GraphQLContext,
    @Arg('status', () => AccessRequestStatusEnum, { nullable: true }) status?: StatusFilter,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<AccessRequest>> {
    if (!account.access.readAccessRequests) {
      throw forbidden(
        "Your roles in this Smart Account do not allow you to see this Smart Account's access requests",
      );
    }
    return requestPage(context.app.reads, accountRequestsKey(account.id, status), first, after);
  }

  @FieldResolver(() => [ExternalGroupGrant], {
    description: 'Groups of other Smart Accounts that were granted access to this one.',
  })
  async externalGroups(
    @Root() account: SmartAccount,
    @Ctx() context: GraphQLContext,
  ): Promise<ExternalGroupGrant[]> {
    if (!account.access.readMembers) {
      throw forbidden('Your roles in this Smart Account do not allow you to see its users and groups');
    }
    const grants =
      (await context.app.reads.get<ExternalGrantDoc[]>(accountExternalGrantsKey(account.id))) ?? [];
    return toExternalGrants(context.app.reads, grants);
  }
}

@Resolver(() => UserGroup)
export class UserGroupGrantFields {
  @FieldResolver(() => [ExternalGroupGrant], {
    description: 'Other Smart Accounts this group has been granted access to.',
  })
  async grantsElsewhere(
    @Root() group: UserGroup,
    @Ctx() context: GraphQLContext,
  ): Promise<ExternalGroupGrant[]> {
    const grants =
      (await context.app.reads.get<ExternalGrantDoc[]>(groupGrantsKey(group.account.id, group.id))) ?? [];
    return toExternalGrants(context.app.reads, grants);
  }
}
