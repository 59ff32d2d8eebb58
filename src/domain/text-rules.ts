/**
 * The contract's rules for text a person typed ("Rules"): no control characters (line breaks and tabs
 * only where `kind` is 'multiline': reasons, descriptions, message bodies), no bidirectional overrides or
 * isolates (which can show `exe.txt` for `\u202Etxt.exe`), well-formed Unicode, and not blank once
 * invisible characters are taken away. Letters of any script and emoji (ZWJ sequences too) stay allowed.
 */
export type TextKind = 'line' | 'multiline';

// A surrogate on its own (never a valid character) is a code point of category Cs in a `u` regex.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL_IN_LINE = /[\p{Cc}\u2028\u2029]/u;
// Tab, LF and CR allowed; every other C0/C1 control (NUL, ESC of ANSI sequences, DEL, …) refused.
const CONTROL_IN_MULTILINE = /(?![\t\n\r])\p{Cc}/u;
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/u;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
// Whitespace, format characters (zero-width space and joiners, soft hyphen, BOM, …) and blank letters.
const INVISIBLE = /[\s\p{Cf}\u034F\u115F\u1160\u2800\u3164\uFFA0]/gu;

/** What is wrong with `text` (to follow the field's name in the message), or null when it is fine. */
export function textProblem(text: string, kind: TextKind): string | null {
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode';
  if (kind === 'line' && LINE_BREAK.test(text)) return 'must be one line';
  if ((kind === 'line' ? CONTROL_IN_LINE : CONTROL_IN_MULTILINE).test(text))
    return 'must not contain control characters';
  if (BIDI_CONTROL.test(text)) return 'must not contain bidirectional override or isolate characters';
  if (text !== '' && text.replace(INVISIBLE, '') === '') return 'must not be blank';
  return null;
}
