import type { IncomingMessage } from 'node:http';
import type { Claims, TokenVerifier } from '../auth/claims';
import { bearerToken } from '../auth/verifier';
import type { Actor } from '../domain/decider';
import type { GraphQLContext } from '../graphql/context';
import type { ProfileRegistration } from './profile-registration';
import type { AppApi } from './api';

const SUPPORT_CASE = /^[A-Za-z0-9._:#-]{1,100}$/;

/** Support acts as an administrator only with a case ID; anyone else's case header is ignored. */
function actorOf(claims: Claims, supportCase: unknown): Actor {
  const caseId =
    claims.roles.includes('support') &&
    typeof supportCase === 'string' &&
    SUPPORT_CASE.test(supportCase.trim())
      ? supportCase.trim()
      : null;
  return { userId: claims.sub, platformRoles: claims.roles, supportCaseId: caseId };
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** Turns an HTTP request or a WebSocket connection into the GraphQL context. */
export class RequestContextFactory {
  constructor(
    private readonly app: AppApi,
    private readonly verifier: TokenVerifier,
    private readonly registration: ProfileRegistration,
  ) {}

  async forHttp(req: IncomingMessage, correlationId: string): Promise<GraphQLContext> {
    const token = bearerToken(headerValue(req.headers.authorization));
    return this.build(token, headerValue(req.headers['x-support-case']), correlationId);
  }

  async forWebSocket(
    params: Readonly<Record<string, unknown>> | undefined,
    correlationId: string,
  ): Promise<{ context: GraphQLContext; expiresAt: number | null }> {
    const authorization = params?.authorization ?? params?.Authorization;
    const token = bearerToken(typeof authorization === 'string' ? authorization : undefined);
    const context = await this.build(token, params?.supportCaseId, correlationId);
    return { context, expiresAt: context.user ? context.user.claims.exp * 1000 : null };
  }

  private async build(
    token: string | null,
    supportCase: unknown,
    correlationId: string,
  ): Promise<GraphQLContext> {
    if (token === null) return { correlationId, user: null, app: this.app };
    const claims = await this.verifier.verify(token);
    await this.registration.ensure(claims, correlationId);
    return { correlationId, user: { claims, actor: actorOf(claims, supportCase) }, app: this.app };
  }
}
