import {
  ROLES,
  SMART_ACCOUNT_ROLES,
  VIRTUAL_ACCOUNT_ROLES,
  mergeAssignments,
  sameAssignment,
  sameAssignmentSet,
  validateAssignments,
} from '../../../src/domain/account';
import { DomainError } from '../../../src/domain/errors';
import { SALES_VA, on, whole } from './fixtures';

const state = { virtualAccounts: { [SALES_VA]: {} } };

describe('roles', () => {
  test('the seven contract roles, split by scope', () => {
    expect(ROLES).toHaveLength(7);
    expect([...SMART_ACCOUNT_ROLES, ...VIRTUAL_ACCOUNT_ROLES]).toEqual([...ROLES]);
  });

  test('validateAssignments normalises a missing Virtual Account to null and drops repeats', () => {
    expect(
      validateAssignments(
        [
          { role: 'SMART_ACCOUNT_USER' },
          { role: 'SMART_ACCOUNT_USER', virtualAccountId: null },
          { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccountId: SALES_VA },
        ],
        state,
      ),
    ).toEqual([whole('SMART_ACCOUNT_USER'), on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)]);
  });

  test('validateAssignments reports the field it is given', () => {
    let caught: unknown;
    try {
      validateAssignments([{ role: 'VIRTUAL_ACCOUNT_USER' }], state, 'access');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'access' } });
  });

  test('an inherited property is not a Virtual Account', () => {
    expect(() =>
      validateAssignments([{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: 'toString' }], state),
    ).toThrow(DomainError);
  });

  test('merging keeps the first list and adds what is new', () => {
    const a = [whole('SMART_ACCOUNT_VIEWER'), on('VIRTUAL_ACCOUNT_USER', SALES_VA)];
    const b = [on('VIRTUAL_ACCOUNT_USER', SALES_VA), on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)];
    expect(mergeAssignments(a, b)).toEqual([...a, on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)]);
  });

  test('comparing assignments', () => {
    expect(sameAssignment(on('VIRTUAL_ACCOUNT_USER', 'a'), on('VIRTUAL_ACCOUNT_USER', 'b'))).toBe(false);
    expect(
      sameAssignmentSet(
        [whole('SMART_ACCOUNT_USER'), on('VIRTUAL_ACCOUNT_USER', 'a')],
        [on('VIRTUAL_ACCOUNT_USER', 'a'), whole('SMART_ACCOUNT_USER')],
      ),
    ).toBe(true);
    expect(sameAssignmentSet([whole('SMART_ACCOUNT_USER')], [whole('SMART_ACCOUNT_VIEWER')])).toBe(false);
  });
});
