import { startTestApp, codeOf, type GraphQLResponse, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { CREATE_ACCOUNT, appendedDuring, createAccount, dataOf } from '../accounts-fixtures';
import { REQUEST_ACCESS } from '../access-fixtures';
import { SEND_MESSAGE, createGroupOk } from '../groups-fixtures';

const UPDATE_PROFILE = `mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) { name } }`;

describe('text hygiene over HTTP', () => {
  let t: TestApp;
  let admin: string;
  let accountId: string;
  let groupId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signIn('text-admin');
    accountId = (await createAccount(t, admin, 'Text', 'text.example.com')).id;
    groupId = (await createGroupOk(t, admin, accountId, 'Readers', { memberUserIds: ['text-admin'] })).id;
  });
  afterAll(() => t.stop());

  test.each([
    [
      'createSmartAccount',
      'a right-to-left override',
      CREATE_ACCOUNT,
      { name: '\u202Etxt.exe', domainIdentifier: 'rlo.example.com' },
      'name',
    ],
    [
      'createSmartAccount',
      'a NUL',
      CREATE_ACCOUNT,
      { name: 'a\u0000b', domainIdentifier: 'nul.example.com' },
      'name',
    ],
    ['updateMyProfile', 'an ANSI escape', UPDATE_PROFILE, { name: '\u001b[31mred' }, 'name'],
    ['updateMyProfile', 'a lone zero-width space', UPDATE_PROFILE, { company: '\u200b' }, 'company'],
  ])(
    '%s with %s is refused naming the field, nothing appended',
    async (_label, _what, mutation, input, field) => {
      let response: GraphQLResponse | undefined;
      const appended = await appendedDuring(t, async () => {
        response = await whileStayingResponsive(t.url, () => t.gql(admin, mutation, { input }));
      });
      expect(appended).toEqual([]);
      expect(response && codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response?.errors?.[0].extensions?.field).toBe(field);
    },
  );

  test('a message subject with CRLF is refused; a body with line breaks is sent', async () => {
    const refused = await t.gql(admin, SEND_MESSAGE, {
      input: { accountId, groupId, subject: 'Hi\r\nBcc: victim@example.com', body: 'Hello' },
    });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].extensions?.field).toBe('subject');
    const sent = await t.gql(admin, SEND_MESSAGE, {
      input: { accountId, groupId, subject: 'Hi 👋', body: 'Line one\r\nLine two\n\tindented' },
    });
    expect(sent.errors).toBeUndefined();
  });

  test('a reason keeps its line breaks and emoji', async () => {
    const requester = await t.signIn('text-requester');
    const reason = 'Need access 🙏\r\nfor the audit';
    const response = await t.gql<{ requestAccess: { reason: string } }>(requester, REQUEST_ACCESS, {
      input: { domainIdentifier: 'text.example.com', reason },
    });
    expect(dataOf(response).requestAccess.reason).toBe(reason);
  });
});
