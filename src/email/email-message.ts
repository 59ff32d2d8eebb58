/** One email to one person, fully rendered: what the outbox keeps and the sender delivers. */
export interface EmailMessage {
  /** `<…@…>`, derived from the event ID and the recipient (see message-id.ts). */
  messageId: string;
  /** The event that caused it. */
  eventId: string;
  kind: EmailKind;
  to: { userId: string; name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** The event's time, so a resend is the same message byte for byte. */
  date: string;
}

export type EmailKind =
  | 'USER_ADDED'
  | 'USER_REMOVED'
  | 'ACCESS_REQUESTED'
  | 'ACCESS_REMINDER'
  | 'ACCESS_APPROVED'
  | 'ACCESS_DECLINED'
  | 'EXTERNAL_GROUP_ACCESS_GRANTED'
  | 'GROUP_MESSAGE';
