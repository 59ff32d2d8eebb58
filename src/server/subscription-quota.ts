import { GraphQLError } from 'graphql';
import { DomainError } from '../domain/errors';

export interface SubscriptionHolder {
  /** The IDs of the connection's active subscriptions. */
  readonly subscriptions: Set<string>;
  /** The signed-in user's ID; null for an anonymous connection (only the connection's cap applies). */
  subscriberId: string | null;
}

const rateLimited = (message: string, extensions: Record<string, number>): GraphQLError =>
  new GraphQLError(message, { originalError: new DomainError('RATE_LIMITED', message, extensions) });

/** Active subscriptions per connection and per user in this process (contract "Rules"). */
export class SubscriptionQuota {
  private readonly perUser = new Map<string, number>();

  constructor(private readonly limits: { perConnection: number; perUser: number }) {}

  /** Counts subscription `id` for the holder, or answers the RATE_LIMITED error when it may not start. */
  reserve(holder: SubscriptionHolder, id: string): GraphQLError | null {
    if (holder.subscriptions.size >= this.limits.perConnection) {
      return rateLimited(`Too many subscriptions: at most ${this.limits.perConnection} on one connection.`, {
        maxSubscriptions: this.limits.perConnection,
      });
    }
    const user = holder.subscriberId;
    const count = user === null ? 0 : (this.perUser.get(user) ?? 0);
    if (user !== null && count >= this.limits.perUser) {
      return rateLimited(`Too many subscriptions: at most ${this.limits.perUser} per user.`, {
        maxSubscriptions: this.limits.perUser,
      });
    }
    holder.subscriptions.add(id);
    if (user !== null) this.perUser.set(user, count + 1);
    return null;
  }

  /** Idempotent: a subscription is released once however it ends. */
  release(holder: SubscriptionHolder, id: string): void {
    if (!holder.subscriptions.delete(id)) return;
    const user = holder.subscriberId;
    if (user === null) return;
    const left = (this.perUser.get(user) ?? 1) - 1;
    if (left > 0) this.perUser.set(user, left);
    else this.perUser.delete(user);
  }

  releaseAll(holder: SubscriptionHolder): void {
    for (const id of [...holder.subscriptions]) this.release(holder, id);
  }
}
