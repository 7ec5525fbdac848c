// bench:email's load generator, in a process of its own (like the other benches' fakes and load
// generators): it sends the corpus through Relevo's SMTP listener, four connections at a time, so that
// Relevo's process does only Relevo's work — as when mail arrives from other machines. The relay that
// receives Relevo's acknowledgements (a test SMTP sink) runs here too, for the same reason.
import nodemailer from 'nodemailer';
import { type SmtpSink, startSmtpSink } from '../test/harness/email/smtp-sink.ts';
import { serveParent } from './lib/child.ts';
import { emailCorpus } from './lib/email-corpus.ts';

let messages: Buffer[] = [];
let sink: SmtpSink | undefined;

type Request =
  | { id: number; prepare: { n: number; stamp: number } }
  | { id: number; sink: 'open' | 'close' }
  | { id: number; send: { port: number; from: string; to: string } };

serveParent<Request>(async (req) => {
  if ('sink' in req) {
    // A new relay for each round, as each round has a new Relevo.
    await sink?.close();
    sink = req.sink === 'open' ? await startSmtpSink() : undefined;
    return sink?.url;
  }
  if ('prepare' in req) {
    ({ messages } = await emailCorpus(req.prepare.n, req.prepare.stamp));
    return messages.length;
  }
  const { port, from, to } = req.send;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    pool: true,
    maxConnections: 4,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let accepted = 0;
  let refused = 0;
  await Promise.all(
    messages.map((raw) =>
      transport
        .sendMail({ envelope: { from, to: [to] }, raw })
        .then(() => accepted++)
        .catch(() => refused++),
    ),
  );
  transport.close();
  return { accepted, refused };
});
