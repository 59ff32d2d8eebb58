import { setMaxListeners } from 'node:events';
import { createPubSub } from '@graphql-yoga/subscription';
import type { JsonValue } from '../eventstore/port';
import type { ProjectionProgress } from '../readmodel/progress';

/** Any number of subscribers may listen to one topic (Node warns past 10 by default). */
function unboundedEventTarget(): EventTarget {
  const target = new EventTarget();
  setMaxListeners(0, target);
  return target;
}

/**
 * Live updates for subscriptions. Projections announce changes while they handle events;
 * the announcements go out after their batch is committed, in order, so a client that
 * queries on receipt sees at least that state.
 */
export class LiveUpdates {
  private readonly pubSub = createPubSub<Record<string, [JsonValue]>>({
    eventTarget: unboundedEventTarget(),
  });

  constructor(projector: ProjectionProgress) {
    projector.onCommitted((_projection, _events, notifications) => {
      for (const { topic, payload } of notifications) this.pubSub.publish(topic, payload);
    });
  }

  subscribe(topic: string): AsyncIterable<JsonValue> {
    return this.pubSub.subscribe(topic);
  }
}
