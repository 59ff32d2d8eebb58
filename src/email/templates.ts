import type { EmailContent, Paragraph } from './render';

/** The words of each email. Every argument may be text a person typed; render.ts escapes it. */

export interface Greeting {
  recipientName: string;
}

const hello = ({ recipientName }: Greeting): Paragraph => ({ text: `Hello ${recipientName},` });
const quoted = (text: string): Paragraph => ({ text, quote: true });
const optionalMessage = (by: string, message: string | null): Paragraph[] =>
  message === null ? [] : [{ text: `${by} wrote:` }, quoted(message)];

export function userAddedEmail(
  a: Greeting & { accountName: string; addedByName: string; roles: string[] },
): EmailContent {
  return {
    subject: `You were added to ${a.accountName}`,
    paragraphs: [
      hello(a),
      { text: `${a.addedByName} added you to the Smart Account "${a.accountName}".` },
      { text: `Your roles: ${a.roles.join(', ')}.` },
    ],
  };
}

export function userRemovedEmail(a: Greeting & { accountName: string }): EmailContent {
  return {
    subject: `You were removed from ${a.accountName}`,
    paragraphs: [
      hello(a),
      { text: `You were removed from the Smart Account "${a.accountName}" and no longer have access to it.` },
    ],
  };
}

export interface RequestFacts {
  accountName: string;
  lookupId: string;
  requesterName: string;
  requesterEmail: string;
  reason: string;
  /** For a group's request: the group and its account. */
  group: { name: string; accountName: string } | null;
}

const whoAsks = (r: RequestFacts): string =>
  r.group === null
    ? `${r.requesterName} (${r.requesterEmail}) asks for access to the Smart Account "${r.accountName}".`
    : `${r.requesterName} (${r.requesterEmail}) asks for access to the Smart Account "${r.accountName}" ` +
      `for the group "${r.group.name}" of "${r.group.accountName}".`;

const requestDetails = (r: RequestFacts): Paragraph[] => [
  { text: 'Reason:' },
  quoted(r.reason),
  { text: `Lookup ID: ${r.lookupId}`, strong: true },
  {
    text:
      r.group === null
        ? 'Approve or decline it under the account’s access requests.'
        : 'To grant the group access, use this lookup ID with "Grant external group access".',
  },
];

export function accessRequestedEmail(a: Greeting & RequestFacts): EmailContent {
  return {
    subject: `Access request ${a.lookupId} for ${a.accountName}`,
    paragraphs: [hello(a), { text: whoAsks(a) }, ...requestDetails(a)],
  };
}

export function accessReminderEmail(a: Greeting & RequestFacts & { remindersSent: number }): EmailContent {
  return {
    subject: `Reminder: access request ${a.lookupId} for ${a.accountName}`,
    paragraphs: [
      hello(a),
      { text: `${whoAsks(a)} The request is still waiting for a decision (reminder ${a.remindersSent}).` },
      ...requestDetails(a),
    ],
  };
}

export function accessDecisionEmail(
  a: Greeting & {
    decision: 'approved' | 'declined';
    accountName: string;
    decidedByName: string;
    /** The roles an approval gave (none for a decline). */
    roles: string[];
    message: string | null;
  },
): EmailContent {
  return {
    subject: `Your access request for ${a.accountName} was ${a.decision}`,
    paragraphs: [
      hello(a),
      {
        text: `${a.decidedByName} ${a.decision} your access request for the Smart Account "${a.accountName}".`,
      },
      ...(a.roles.length > 0 ? [{ text: `Your roles: ${a.roles.join(', ')}.` }] : []),
      ...optionalMessage(a.decidedByName, a.message),
    ],
  };
}

export function externalGroupAccessGrantedEmail(
  a: Greeting & {
    accountName: string;
    groupName: string;
    fromAccountName: string;
    grantedByName: string;
    access: string[];
    message: string | null;
  },
): EmailContent {
  return {
    subject: `${a.groupName} was granted access to ${a.accountName}`,
    paragraphs: [
      hello(a),
      {
        text:
          `${a.grantedByName} granted the group "${a.groupName}" of "${a.fromAccountName}" ` +
          `access to the Smart Account "${a.accountName}": ${a.access.join(', ')}.`,
      },
      ...optionalMessage(a.grantedByName, a.message),
    ],
  };
}

export function groupMessageEmail(
  a: Greeting & { accountName: string; groupName: string; senderName: string; subject: string; body: string },
): EmailContent {
  return {
    subject: `[${a.groupName}] ${a.subject}`,
    paragraphs: [
      hello(a),
      { text: `${a.senderName} wrote to the members of "${a.groupName}" in "${a.accountName}":` },
      quoted(a.body),
    ],
  };
}
