// A customer's mail to a running Relevo's SMTP listener (RELEVO_SMTP_LISTEN_PORT=0 picks its port).
import nodemailer from 'nodemailer';
import type { App } from '../../../src/app.ts';

/** Sends one message through Relevo's own SMTP listener; resolves once the listener answered 250. */
export async function mailRelevo(
  app: Pick<App, 'smtpPort'>,
  mail: { from: string; to: string; subject: string; text: string },
): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort(), secure: false });
  try {
    await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}
