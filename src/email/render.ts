import { escapeHtml, oneLine } from './text-safety';

/**
 * A paragraph of an email. All of it is text: the HTML body escapes every character of it,
 * so a name or a reason can never become markup.
 */
export interface Paragraph {
  text: string;
  /** Quoted words of a person (a reason, a message), kept with their line breaks. */
  quote?: boolean;
  strong?: boolean;
}

export interface EmailContent {
  subject: string;
  paragraphs: Paragraph[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const FOOTER = 'This message was sent by the Smart Account access service.';

const quoteText = (text: string): string =>
  text
    .split(/\r\n|\r|\n/)
    .map((line) => `> ${line}`)
    .join('\n');

const paragraphHtml = ({ text, quote, strong }: Paragraph): string => {
  const lines = escapeHtml(text)
    .split(/\r\n|\r|\n/)
    .join('<br>\n');
  const inner = strong ? `<strong>${lines}</strong>` : lines;
  return quote
    ? `<blockquote style="border-left:3px solid #ccc;margin:0 0 1em;padding-left:1em">${inner}</blockquote>`
    : `<p>${inner}</p>`;
};

/** Plain text and HTML bodies of the same paragraphs; the subject on one line. */
export function renderEmail(content: EmailContent): RenderedEmail {
  const text = [...content.paragraphs.map((p) => (p.quote ? quoteText(p.text) : p.text)), '--', FOOTER]
    .join('\n\n')
    .concat('\n');
  const html = [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:sans-serif;line-height:1.4">',
    ...content.paragraphs.map(paragraphHtml),
    `<p style="color:#777;font-size:smaller">${escapeHtml(FOOTER)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: oneLine(content.subject), text, html };
}
