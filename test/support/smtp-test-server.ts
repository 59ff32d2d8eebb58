import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** A message as the test SMTP server accepted it. */
export interface ReceivedMail {
  /** RCPT TO addresses. */
  recipients: string[];
  messageId: string | undefined;
  subject: string | undefined;
  text: string;
  /** The HTML body exactly as sent. */
  html: string;
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpTestServerOptions {
  /** Answer RCPT TO for this address with this SMTP error (e.g. 550, 450). */
  refuse?: (address: string) => { code: number; message: string } | null;
  /** Called with each message after it was recorded, before the server answers 250. */
  onReceived?: (mail: ReceivedMail) => void | Promise<void>;
}

/** A real SMTP server on 127.0.0.1 for the tests: records every message; can go down and come back. */
export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private boundPort = 0;

  constructor(private readonly options: SmtpTestServerOptions = {}) {}

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.boundPort}`;
  }

  /** Listens on a free port at first, then on the same port again after `stop()`. */
  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        const refusal = this.options.refuse?.(address.address);
        if (!refusal) return callback();
        const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
        callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then(async (parsed) => {
              const mail: ReceivedMail = {
                recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                messageId: parsed.messageId,
                subject: parsed.subject,
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                parsed,
                raw,
              };
              this.received.push(mail);
              await this.options.onReceived?.(mail);
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.server.address();
    if (typeof address === 'object' && address !== null) this.boundPort = address.port;
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const connection of server.connections) connection.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.recipients.includes(address));
  }
}
