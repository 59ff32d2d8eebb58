import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SignedInCaller } from '../../app/caller';
import { DomainError, notFound } from '../../domain/errors';
import { readableRequest, toExternalGrants, toRequestConnection } from '../access-request-views';
import { toRoleAssignments } from '../account-views';
import type { AppApi } from '../../app/api';
import { Caller, type GraphQLContext } from '../context';
import { forbiddenTo } from '../../domain/account';
import {
  AccessRequest,
  AccessRequestConnection,
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
import { StatusPageArgs } from '../types/page-args';
import { Profile } from '../types/profile';

async function requestAfterWrite(app: AppApi, requestId: string): Promise<AccessRequest> {
  const doc = await app.queries.accessRequests.byId(requestId);
  if (!doc) throw new Error(`access request ${requestId} missing from the read model after a write`);
  return AccessRequest.from(doc);
}

@Resolver(() => AccessRequest)
export class AccessRequestResolver {
  @Query(() => AccessRequestConnection)
  async myAccessRequests(
    @Args(() => StatusPageArgs) args: StatusPageArgs,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Connection<AccessRequest>> {
    const page = args.page();
    const found = await app.queries.accessRequests.pageOfRequester(caller.actor.userId, args.status, page);
    return toRequestConnection(found, page.size);
  }

  @Query(() => AccessRequest, { nullable: true })
  accessRequest(
    @Arg('id', () => ID) id: string,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest | null> {
    return readableRequest(app, caller.actor, id);
  }

  @FieldResolver(() => Profile, {
    description:
      'The person who filed it (for GROUP requests: the administrator who filed it for the group).',
  })
  async requester(@Root() request: AccessRequest, @Ctx() { app }: GraphQLContext): Promise<Profile> {
    const doc = await app.queries.profiles.byId(request.doc.requesterId);
    if (!doc) throw new DomainError('INTERNAL_SERVER_ERROR', 'Profile not available');
    return Profile.from(doc);
  }

  @FieldResolver(() => [RoleAssignment], { description: 'The access granted on approval.' })
  async grantedRoles(
    @Root() request: AccessRequest,
    @Ctx() { app }: GraphQLContext,
  ): Promise<RoleAssignment[]> {
    const account = await app.queries.accounts.account(request.doc.accountId);
    return account ? toRoleAssignments(app.queries, account, request.doc.grantedRoles) : [];
  }

  @Mutation(() => AccessRequest)
  async requestAccess(
    @Arg('input', () => RequestAccessInput) input: RequestAccessInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest> {
    const id = await app.accessRequests.requestAccess(caller, input.domainIdentifier, input.reason);
    return requestAfterWrite(app, id);
  }

  @Mutation(() => AccessRequest)
  async requestGroupAccess(
    @Arg('input', () => RequestGroupAccessInput) input: RequestGroupAccessInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest> {
    const id = await app.accessRequests.requestGroupAccess(caller, input);
    return requestAfterWrite(app, id);
  }

  @Mutation(() => AccessRequest)
  async sendAccessRequestReminder(
    @Arg('requestId', () => ID) requestId: string,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest> {
    await app.accessRequests.onRequest(caller, requestId, {
      type: 'SendAccessReminder',
      data: { requestId, reminderIntervalSeconds: app.reminderIntervalSeconds },
    });
    return requestAfterWrite(app, requestId);
  }

  @Mutation(() => AccessRequest)
  async cancelAccessRequest(
    @Arg('requestId', () => ID) requestId: string,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest> {
    await app.accessRequests.onRequest(caller, requestId, {
      type: 'CancelAccessRequest',
      data: { requestId },
    });
    return requestAfterWrite(app, requestId);
  }

  @Mutation(() => AccessRequest)
  async approveAccessRequest(
    @Arg('input', () => ApproveAccessRequestInput) input: ApproveAccessRequestInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest> {
    await app.accessRequests.onRequest(caller, input.requestId, {
      type: 'ApproveAccessRequest',
      data: { requestId: input.requestId, roles: input.roles ?? null, message: input.message ?? null },
    });
    return requestAfterWrite(app, input.requestId);
  }

  @Mutation(() => AccessRequest)
  async declineAccessRequest(
    @Arg('input', () => DeclineAccessRequestInput) input: DeclineAccessRequestInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AccessRequest> {
    await app.accessRequests.onRequest(caller, input.requestId, {
      type: 'DeclineAccessRequest',
      data: { requestId: input.requestId, message: input.message ?? null },
    });
    return requestAfterWrite(app, input.requestId);
  }

  @Mutation(() => ExternalGroupGrant, {
    description: 'Approve a GROUP request found by the lookup ID in its email.',
  })
  async grantExternalGroupAccess(
    @Arg('input', () => GrantExternalGroupAccessInput) input: GrantExternalGroupAccessInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<ExternalGroupGrant> {
    const result = await app.runAccountCommand(caller, input.accountId, {
      type: 'GrantExternalGroupAccess',
      data: { lookupId: input.lookupId, access: input.access, message: input.message ?? null },
    });
    const granted = result.events.find((event) => event.type === 'ExternalGroupAccessGranted');
    if (!granted || granted.type !== 'ExternalGroupAccessGranted')
      throw notFound('No access request has this lookup ID');
    const grants = await app.queries.accessRequests.grantsTo(input.accountId);
    const grant = grants.find((g) => g.groupId === granted.data.groupId);
    if (!grant) throw new Error('grant missing from the read model after a write');
    const [view] = await toExternalGrants(app.queries, [grant]);
    return view;
  }

  @Mutation(() => ID)
  async revokeExternalGroupAccess(
    @Arg('input', () => RevokeExternalGroupAccessInput) input: RevokeExternalGroupAccessInput,
    @Caller() caller: SignedInCaller,
    @Ctx() { app }: GraphQLContext,
  ): Promise<string> {
    await app.runAccountCommand(caller, input.accountId, {
      type: 'RevokeExternalGroupAccess',
      data: { groupId: input.groupId },
    });
    return input.groupId;
  }
}

@Resolver(() => SmartAccount)
export class SmartAccountRequestFields {
  @FieldResolver(() => AccessRequestConnection)
  async accessRequests(
    @Root() account: SmartAccount,
    @Args(() => StatusPageArgs) args: StatusPageArgs,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Connection<AccessRequest>> {
    if (!account.access.readAccessRequests) throw forbiddenTo('readAccessRequests');
    const page = args.page();
    return toRequestConnection(
      await app.queries.accessRequests.pageOfAccount(account.id, args.status, page),
      page.size,
    );
  }

  @FieldResolver(() => [ExternalGroupGrant], {
    description: 'Groups of other Smart Accounts that were granted access to this one.',
  })
  async externalGroups(
    @Root() account: SmartAccount,
    @Ctx() { app }: GraphQLContext,
  ): Promise<ExternalGroupGrant[]> {
    if (!account.access.readMembers) throw forbiddenTo('readMembers');
    return toExternalGrants(app.queries, await app.queries.accessRequests.grantsTo(account.id));
  }
}

@Resolver(() => UserGroup)
export class UserGroupGrantFields {
  @FieldResolver(() => [ExternalGroupGrant], {
    description: 'Other Smart Accounts this group has been granted access to.',
  })
  async grantsElsewhere(
    @Root() group: UserGroup,
    @Ctx() { app }: GraphQLContext,
  ): Promise<ExternalGroupGrant[]> {
    return toExternalGrants(
      app.queries,
      await app.queries.accessRequests.grantsOfGroup(group.account.id, group.id),
    );
  }
}
