import {
  domainReservationDecider,
  domainReservationStreamId,
  normalizeDomainIdentifier,
} from '../../../src/domain/account';
import { specFor } from '../../support/decider-spec';

const given = specFor(domainReservationDecider);
const at = '2026-01-01T00:00:00.000Z';
const reserve = (accountId: string, domainIdentifier: string) => ({
  type: 'Reserve' as const,
  data: { accountId, domainIdentifier },
  metadata: { actor: { userId: 'alice', platformRoles: [], supportCaseId: null }, at },
});
const reserved = {
  type: 'DomainIdentifierReserved' as const,
  data: { domainIdentifier: 'Acme.com', accountId: 'acc-1', at },
};

describe('domain identifier reservation', () => {
  test('the first account reserves it', () => {
    given().when(reserve('acc-1', ' Acme.com ')).then([reserved]);
  });

  test('the same account again changes nothing', () => {
    given(reserved).when(reserve('acc-1', 'acme.com')).thenNothing();
  });

  test('another account is a CONFLICT', () => {
    given(reserved).when(reserve('acc-2', 'ACME.COM')).thenError('CONFLICT');
  });

  test('not domain-like is BAD_USER_INPUT', () => {
    given().when(reserve('acc-1', 'acme')).thenError('BAD_USER_INPUT', { field: 'domainIdentifier' });
  });

  test('one stream per lower-cased identifier, so any spelling meets the same reservation', () => {
    expect(domainReservationStreamId(' Acme.COM ')).toBe('domain-acme.com');
    expect(domainReservationStreamId('acme.com')).toBe(domainReservationStreamId('ACME.com'));
    expect(normalizeDomainIdentifier(' Acme.COM ')).toBe('acme.com');
  });
});
