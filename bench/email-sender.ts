// bench:email's load generator, in a process of its own (like the other benches' fakes and load
// generators): it sends the corpus through Relevo's SMTP listener, four connections at a time, so that
// Relevo's process does only Relevo's work — as when mail arrives from other machines. The relay that
// receives Relevo's acknowledgements (a test SMTP sink) runs here too, for the same reason. Each storm's
// messages are made ready for the wire when prepared (lib/smtp-client.ts), and the CPU this process spends
// sending is reported: on two cores, it is CPU Relevo did not get.
import { type SmtpSink, startSmtpSink } from '../test/harness/email/smtp-sink.ts';
import { serveParent } from './lib/child.ts';
import { emailCorpus } from './lib/email-corpus.ts';
import { sendAll, wireData } from './lib/smtp-client.ts';

/** Two storms of the same mix, each message with its own Message-ID: a new Relevo's first, then its second. */
let storms: Buffer[][] = [];
let sink: SmtpSink | undefined;

type Request =
  | { id: number; prepare: { n: number; stamp: number } }
  | { id: number; sink: 'open' | 'close' }
  | { id: number; send: { port: number; from: string; to: string; storm: number } };

serveParent<Request>(async (req) => {
  if ('sink' in req) {
    // A new relay for each round, as each round has a new Relevo.
    await sink?.close();
    sink = req.sink === 'open' ? await startSmtpSink() : undefined;
    return sink?.url;
  }
  if ('prepare' in req) {
    storms = await Promise.all(
      [0, 1].map(async (storm) =>
        (await emailCorpus(req.prepare.n, req.prepare.stamp, storm)).messages.map(wireData),
      ),
    );
    return storms.length;
  }
  const { port, from, to, storm } = req.send;
  const cpu = process.cpuUsage();
  const sent = await sendAll(port, { from, to }, storms[storm] ?? [], 4);
  const used = process.cpuUsage(cpu);
  return { ...sent, cpuMs: (used.user + used.system) / 1000 };
});
