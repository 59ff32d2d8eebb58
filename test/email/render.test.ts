import { renderEmail } from '../../src/email/render';
import { MAX_HEADER_CHARS, oneLine } from '../../src/email/text-safety';

describe('email rendering', () => {
  test('a subject never carries a line break or control character', () => {
    const { subject } = renderEmail({
      subject: 'Hi\r\nBcc: victim@example.com\u2028x\u0000',
      paragraphs: [],
    });
    expect(subject).toBe('Hi Bcc: victim@example.com x');
  });

  test('a long one-line field is cut to the header limit', () => {
    const cut = oneLine('x'.repeat(500));
    expect(cut).toHaveLength(MAX_HEADER_CHARS);
    expect(cut.endsWith('…')).toBe(true);
  });

  test('every character of the text is escaped in HTML; the text body keeps it as typed', () => {
    const typed = `<img src=x onerror="alert('1')"> & co`;
    const { text, html } = renderEmail({
      subject: 's',
      paragraphs: [{ text: typed }, { text: typed, quote: true }],
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co');
    expect(text).toContain(`${typed}\n\n> ${typed}`);
  });
});
