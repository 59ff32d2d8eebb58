import { startTestApp, codeOf, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { CREATE_ACCOUNT, dataOf } from '../accounts-fixtures';
import { CREATE_GROUP, REQUEST_ACCESS } from '../access-fixtures';

const SEND_MESSAGE = `mutation ($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { recipientCount } }`;
const UPDATE_PROFILE = `mutation ($input: UpdateProfileInput!) { updateMyProfile(input: $input) { name } }`;

describe('text hygiene over HTTP', () => {
  let t: TestApp;
  let admin: string;
  let accountId: string;
  let groupId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signIn('text-admin');
    accountId = dataOf(
      await t.gql<{ createSmartAccount: { id: string } }>(admin, CREATE_ACCOUNT, {
        input: { name: 'Text', domainIdentifier: 'text.example.com' },
      }),
    ).createSmartAccount.id;
    groupId = dataOf(
      await t.gql<{ createUserGroup: { id: string } }>(admin, CREATE_GROUP, {
        input: { accountId, name: 'Readers', memberUserIds: ['text-admin'] },
      }),
    ).createUserGroup.id;
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
      const before = (await t.allEvents()).length;
      const response = await whileStayingResponsive(t.url, () => t.gql(admin, mutation, { input }));
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].extensions?.field).toBe(field);
      expect((await t.allEvents()).length).toBe(before);
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
