import { Counter, Gauge, type Registry } from 'prom-client';
import type { EmailOutbox } from './outbox';

export interface EmailMetrics {
  sent: Counter;
  retried: Counter;
  dead: Counter;
}

/** `/metrics`: delivered, retried and dead-lettered messages (by this process), and what the outbox holds. */
export function createEmailMetrics(registry: Registry, outbox: Pick<EmailOutbox, 'counts'>): EmailMetrics {
  new Gauge<'state'>({
    name: 'email_outbox_messages',
    help: 'Messages in the email outbox, by state (pending, dead)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      // A shared outbox that cannot be reached right now: the last counts stay.
      const counts = await outbox.counts().catch(() => null);
      if (counts === null) return;
      this.set({ state: 'pending' }, counts.pending);
      this.set({ state: 'dead' }, counts.dead);
    },
  });
  return {
    sent: new Counter({
      name: 'email_messages_sent_total',
      help: 'Email messages accepted by the SMTP server (or written to DATA_DIR/outbox/)',
      registers: [registry],
    }),
    retried: new Counter({
      name: 'email_messages_retried_total',
      help: 'Failed email deliveries that will be tried again',
      registers: [registry],
    }),
    dead: new Counter({
      name: 'email_messages_dead_total',
      help: 'Email messages given up on after repeated permanent refusals (kept as dead letters)',
      registers: [registry],
    }),
  };
}
