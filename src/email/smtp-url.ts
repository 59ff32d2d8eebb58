// Unless SMTP_URL says otherwise: reuse connections, and give up on a silent server in time.
const SMTP_DEFAULTS: Record<string, string> = {
  pool: 'true',
  connectionTimeout: '10000',
  greetingTimeout: '10000',
  socketTimeout: '60000',
};

/** Throws a clear error unless SMTP_URL is an smtp: or smtps: URL (checked at start-up). */
export function checkSmtpUrl(smtpUrl: string | null): string | null {
  if (smtpUrl === null) return null;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL must be a URL like smtp://user:password@host:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, got "${url.protocol}"`);
  }
  return smtpUrl;
}

/** SMTP_URL as nodemailer takes it: with the defaults it does not set. */
export function smtpOptionsUrl(smtpUrl: string): string {
  const url = new URL(checkSmtpUrl(smtpUrl) ?? '');
  for (const [key, value] of Object.entries(SMTP_DEFAULTS)) {
    if (!url.searchParams.has(key)) url.searchParams.set(key, value);
  }
  return url.toString();
}
