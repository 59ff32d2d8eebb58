const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML that shows exactly that text. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

// Control characters (line breaks included), and Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** The most a one-line header (a subject, a display name) carries; longer is cut with "…". */
export const MAX_HEADER_CHARS = 200;

/** Text fit for one header line: no line break or control character, at most MAX_HEADER_CHARS. */
export function oneLine(text: string): string {
  const flat = text.replace(BREAKS_AND_CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  return flat.length <= MAX_HEADER_CHARS ? flat : `${flat.slice(0, MAX_HEADER_CHARS - 1)}…`;
}
