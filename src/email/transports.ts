import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { EmailMessage } from './email-message';
import { smtpOptionsUrl } from './smtp-url';
import { oneLine } from './text-safety';

/** Hands one message on; resolves once the SMTP server (or the disk) has accepted it. */
export interface MailTransport {
  send(message: EmailMessage): Promise<void>;
  close(): void;
}

const toMailOptions = (message: EmailMessage, from: string): SendMailOptions => ({
  from,
  to: { name: oneLine(message.to.name), address: message.to.address },
  subject: oneLine(message.subject),
  text: message.text,
  html: message.html,
  messageId: message.messageId,
  date: new Date(message.date),
});

export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport(smtpOptionsUrl(smtpUrl));
  }

  async send(message: EmailMessage): Promise<void> {
    await this.transporter.sendMail(toMailOptions(message, this.from));
  }

  close(): void {
    this.transporter.close();
  }
}

/** The file name of a message under DATA_DIR/outbox/: the same message always gets the same name. */
export const emlFileName = (messageId: string): string =>
  `${messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`;

/** Without SMTP_URL: each message becomes an `.eml` file in `folder`, and a log line. */
export class EmlFileTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(
    private readonly folder: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {
    mkdirSync(folder, { recursive: true });
    this.transporter = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'windows',
    });
  }

  async send(message: EmailMessage): Promise<void> {
    const info = (await this.transporter.sendMail(toMailOptions(message, this.from))) as { message: Buffer };
    mkdirSync(this.folder, { recursive: true }); // also when someone cleared it away meanwhile
    const file = path.join(this.folder, emlFileName(message.messageId));
    // Renamed into place, so a crash never leaves half a message behind.
    const partial = `${file}.partial`;
    writeFileSync(partial, info.message);
    renameSync(partial, file);
    this.logger.info(
      { to: message.to.address, subject: message.subject, messageId: message.messageId, file },
      'email written to the outbox folder (no SMTP_URL)',
    );
  }

  close(): void {
    this.transporter.close();
  }
}
