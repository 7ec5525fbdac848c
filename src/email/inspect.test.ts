import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, OWN_ADDRESSES } from '../../test/fixtures/email/expectations.ts';
import { inspectEmail } from './inspect.ts';

const inspect = (file: string) =>
  inspectEmail(readFileSync(fixturePath(file)), { ownAddresses: OWN_ADDRESSES });

describe('inspectEmail', () => {
  it('explains a reply to a ticket', async () => {
    expect(await inspect('gmail-reply-es.eml')).toEqual({
      messageId: '<CAH1xQw9Tn5Rb2Wc8Ye4Ui6Op0As3Df7Gh1Jk5Lz9Xc@mail.gmail.example>',
      dedupeKey: '<CAH1xQw9Tn5Rb2Wc8Ye4Ui6Op0As3Df7Gh1Jk5Lz9Xc@mail.gmail.example>',
      sender: { address: 'luis.garcia@example.org', name: 'Luis García' },
      subject: 'Re: Error al exportar facturas a PDF [#1042]',
      date: '2025-03-03T11:02:20.000Z',
      forwarded: null,
      ticketReference: {
        subjectNumber: 1042,
        inReplyTo: '<relevo.1042.3@acme.example>',
        references: [
          '<CAH1xQw7Lp3Zk9Ds2Fg8Hj4Kl6Mn0Bv5Cx1Za3Sd7Fg@mail.gmail.example>',
          '<relevo.1042.3@acme.example>',
        ],
      },
      visibleText:
        'Hola Marta,\n\nHe probado lo que me dijiste (borrar la caché y volver a entrar) y sigue\nfallando. El PDF sale en blanco, solo con la cabecera.\n\nGracias,\nLuis',
      quotedHistoryRemoved: true,
      signature: null,
      attachments: [],
      loopGuard: { autoReplyAllowed: true, reason: null },
      senderAuthentication: { trustedServer: null, results: [], vouches: null, repliesToPersonalCopy: false },
    });
  });

  it('shows the trusted server’s verdict on the sender and whether it answers a personal copy', async () => {
    const raw = [
      'Authentication-Results: mx.support.test; dmarc=pass (p=reject) header.from=support.test',
      'From: Ana <ana@support.test>',
      'To: soporte@acme.example',
      'Subject: Re: Disk full [#5]',
      'In-Reply-To: <relevo.a.abcdefghijklmnopqrstuvwxyz@acme.example>',
      '',
      'Done.',
    ].join('\r\n');
    const report = await inspectEmail(raw, {
      ownAddresses: OWN_ADDRESSES,
      trustedAuthservIds: ['mx.support.test'],
    });
    expect(report.senderAuthentication).toEqual({
      trustedServer: 'mx.support.test',
      results: ['dmarc=pass header.from=support.test'],
      vouches: 'dmarc',
      repliesToPersonalCopy: true,
    });
    const untrusted = await inspectEmail(raw, { ownAddresses: OWN_ADDRESSES });
    expect(untrusted.senderAuthentication).toMatchObject({ trustedServer: null, vouches: null });
  });

  it('names the original sender and the forwarder of a forward', async () => {
    const report = await inspect('outlook-forward-es.eml');
    expect(report.forwarded).toEqual({
      originalSender: { address: 'juan.perez@example.com', name: 'Juan Pérez' },
      originalSubject: 'Presupuesto instalación red oficina Valencia',
      forwarder: { address: 'carmen.diaz@initech.example', name: 'Carmen Díaz' },
      note: 'Hola,\n\nOs reenvío el presupuesto que nos pidió el cliente para que lo reviséis.\n\nCarmen',
    });
  });

  it('says why a bounce gets no auto-reply, and lists attachments without their bytes', async () => {
    const report = await inspect('bounce-dsn.eml');
    expect(report.loopGuard).toEqual({ autoReplyAllowed: false, reason: 'delivery-report' });
    expect(report.attachments).toEqual([
      { filename: 'headers.txt', contentType: 'text/rfc822-headers', size: 464, oversized: false },
    ]);
  });

  it('reports oversized attachments under the cap it is given', async () => {
    const report = await inspectEmail(readFileSync(fixturePath('large-attachment.eml')), {
      ownAddresses: OWN_ADDRESSES,
      maxAttachmentBytes: 1024 * 1024,
    });
    expect(report.attachments).toEqual([
      {
        filename: 'logs-servidor-2025-03-04.zip',
        contentType: 'application/zip',
        size: 1_572_864,
        oversized: true,
      },
    ]);
  });

  it('falls back to a content hash for a message without Message-ID', async () => {
    const report = await inspect('no-message-id.eml');
    expect(report.messageId).toBeNull();
    expect(report.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.date).toBeNull();
  });

  it('inspects garbage without throwing', async () => {
    const report = await inspectEmail(Buffer.from([0, 1, 2, 255, 254]), { ownAddresses: [] });
    expect(report.sender).toBeNull();
    expect(report.loopGuard.autoReplyAllowed).toBe(true);
  });
});
