import type { ResolvedAssignment } from './access';
import type { HistoryEntryData } from './entry';

/** Cells a spreadsheet would run as a formula start with one of these (contract "Rules"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula-like text is prefixed with `'`; quoted when it holds a separator, quote or line break. */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = [
  'revision',
  'position',
  'eventId',
  'type',
  'occurredAt',
  'actorId',
  'supportCaseId',
  'subjectUserId',
  'summary',
  'accessChanges',
  'data',
] as const;

export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

const roleText = (a: ResolvedAssignment): string =>
  `${a.role}${a.virtualAccount ? ` on ${a.virtualAccount.name}` : ''}${a.viaGroup ? ` via ${a.viaGroup.name}` : ''}`;

const rolesText = (roles: readonly ResolvedAssignment[]): string =>
  roles.length === 0 ? 'none' : roles.map(roleText).join(' + ');

/** "bob: SMART_ACCOUNT_VIEWER -> SMART_ACCOUNT_USER; carol: ... -> none" */
export const accessChangesText = (entry: HistoryEntryData): string =>
  entry.accessChanges
    .map((change) => `${change.userId}: ${rolesText(change.before)} -> ${rolesText(change.after)}`)
    .join('; ');

export function csvRow(entry: HistoryEntryData): string {
  const cells = [
    entry.revision,
    entry.position,
    entry.eventId,
    entry.type,
    entry.occurredAt,
    entry.actorId,
    entry.supportCaseId,
    entry.subjectUserId,
    entry.summary,
    accessChangesText(entry),
    JSON.stringify(entry.data),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const plainAssignment = (a: ResolvedAssignment) => ({
  role: a.role,
  virtualAccountId: a.virtualAccountId,
  virtualAccountName: a.virtualAccount?.name ?? null,
  viaGroupId: a.viaGroupId,
  viaGroupName: a.viaGroup?.name ?? null,
});

/** One JSON object per line, with the fields of `HistoryEntry`. */
export function ndjsonLine(entry: HistoryEntryData): string {
  return `${JSON.stringify({
    ...entry,
    accessChanges: entry.accessChanges.map((change) => ({
      userId: change.userId,
      before: change.before.map(plainAssignment),
      after: change.after.map(plainAssignment),
    })),
  })}\n`;
}
