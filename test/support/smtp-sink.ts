import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerSession } from 'smtp-server';

export interface CaughtMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
}

/** A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives and can refuse on demand. */
export class SmtpSink {
  readonly mails: CaughtMail[] = [];
  /** Decide per message: undefined accepts; an error with responseCode refuses (e.g. 451, 550). */
  onMessage: (raw: string) => { code: number; message: string } | undefined = () => undefined;
  /** Decide per recipient, the same way. */
  onRecipient: (address: string) => { code: number; message: string } | undefined = () => undefined;
  private server: SMTPServer | undefined;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) => {
        const refusal = this.onRecipient(address.address);
        callback(refusal ? Object.assign(new Error(refusal.message), { responseCode: refusal.code }) : undefined);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const refusal = this.onMessage(raw);
          if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
          simpleParser(raw)
            .then((parsed) => {
              const from = session.envelope.mailFrom;
              this.mails.push({ envelope: { from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address) }, raw, parsed });
              callback();
            })
            .catch((e: Error) => callback(e));
        });
      },
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  }

  async waitFor(predicate: (mails: CaughtMail[]) => boolean, timeoutMs = 30_000, what = 'mail'): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.mails)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.mails.length})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.mails;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
