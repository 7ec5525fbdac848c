// Ids for rows written in SQL rather than through Prisma's create (which makes cuids in the client). A
// ticket's timeline is ordered by (createdAt, id), and rows written in the same millisecond — a message
// and its acknowledgement, or a batch's rows — must keep the order they were written in, as cuids did:
// so an id is the time, then a counter within that millisecond, then random characters against
// collisions between processes.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;
const COUNTER_MAX = 36 ** 4 - 1;

/** A new id, greater than every id this process made before it (even if the clock steps back). */
export function sortableId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (counter < COUNTER_MAX) {
    counter++;
  } else {
    // 1.7 million ids in one millisecond: borrow the next one.
    lastMs++;
    counter = 0;
  }
  const random = randomBytes(6).readUIntBE(0, 6).toString(36).padStart(10, '0');
  return `r${lastMs.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${random}`;
}
