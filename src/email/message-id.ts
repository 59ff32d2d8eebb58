import { createHash } from 'node:crypto';

const MESSAGE_ID_DOMAIN = 'smart-account-access';

/**
 * The same event and recipient always give the same `Message-ID`, so a message sent again
 * after a crash is recognisably the same one. The user ID is hashed: it may hold characters
 * a Message-ID may not.
 */
export function messageIdFor(eventId: string, recipientUserId: string): string {
  const recipient = createHash('sha256').update(recipientUserId).digest('hex').slice(0, 16);
  const event = /^[A-Za-z0-9-]{1,64}$/.test(eventId)
    ? eventId
    : createHash('sha256').update(eventId).digest('hex').slice(0, 32);
  return `<${event}.${recipient}@${MESSAGE_ID_DOMAIN}>`;
}
