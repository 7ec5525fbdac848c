// The ticket core on a fresh database, without Relevo's loops, adapters or HTTP: for tests of what one
// call writes (nothing else runs, so every statement counted is the call's own).
import { type FileConfig, parseConfigFile } from '../../src/config/file.ts';
import { withChannels } from '../../src/core/config.ts';
import { syncDirectory } from '../../src/core/directory.ts';
import { DomainEvents } from '../../src/core/events.ts';
import { systemClock } from '../../src/core/ports.ts';
import { TicketService } from '../../src/core/tickets/service.ts';
import { testConfigYaml } from '../fixtures/config.ts';
import { type DatabaseKind, openTestDatabase } from './databases.ts';

export async function openDesk(kind: DatabaseKind, yaml = testConfigYaml) {
  const opened = await openTestDatabase(kind);
  const db = opened.db.prisma;
  const config: FileConfig = parseConfigFile(yaml, 'test config');
  await syncDirectory(db, config);
  const events = new DomainEvents();
  const desk = withChannels(config, []);
  const tickets = new TicketService({
    db,
    clock: systemClock,
    config: desk,
    notifier: { outboxWritten: () => {} },
    events,
  });
  return { database: opened.db, db, config, desk, events, tickets, close: opened.close };
}
