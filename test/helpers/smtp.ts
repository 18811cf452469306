// A real SMTP server (smtp-server) that parses what it receives (mailparser), and can refuse on demand.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  attachments: { filename?: string; contentType: string; content: Buffer }[];
  messageId: string;
  raw: string;
}

export interface TestSmtp {
  url: string;
  port: number;
  messages: ReceivedMail[];
  clear(): void;
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** The next n messages are refused with this SMTP code (4xx: try later; 5xx: permanent). */
  failNext(n: number, code: number): void;
  stop(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => (v.address ?? '').toLowerCase()));

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let failures = 0;
  let failCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const err = new Error(failCode >= 500 ? 'Rejected for the test' : 'Try again later') as Error & { responseCode: number };
          err.responseCode = failCode;
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              to: session.envelope.rcptTo
                .map((r) => r.address.toLowerCase())
                .concat(addresses(parsed.to))
                .filter((v, i, all) => all.indexOf(v) === i),
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers,
              attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
              messageId: parsed.messageId ?? '',
              raw: raw.toString('utf8'),
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  // A client killed mid-transfer (the crash tests SIGKILL a delivering process) resets its connection:
  // that is the client's fault, not the server's, and must not fail whichever test runs at the time.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    clear: () => void messages.splice(0),
    failNext(n, code) {
      failures = n;
      failCode = code;
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no matching mail within ${timeoutMs} ms (${messages.length} received: ${messages.map((m) => m.subject).join(' | ')})`,
          );
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Kept on globalThis: mocha may load setup.ts and the spec files through different module loaders.
const holder = globalThis as { __passerelleTestSmtp?: TestSmtp };
export const setTestSmtp = (s: TestSmtp): void => {
  holder.__passerelleTestSmtp = s;
};
export function getTestSmtp(): TestSmtp {
  const instance = holder.__passerelleTestSmtp;
  if (!instance) throw new Error('the test SMTP server is not running (test/helpers/setup.ts)');
  return instance;
}
