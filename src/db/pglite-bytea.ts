// How bytes reach the embedded database. PGlite's own bytea serializer writes a Buffer as "\x" and two
// hex digits per byte, built in JavaScript one byte at a time (~10 ms for a 50 KB email, and the text is
// then scanned again character by character to be sent). PostgreSQL also takes a parameter in binary
// format, and a bytea's binary format is the bytes themselves: returning them as they are makes PGlite
// send them that way, copied in one go. Anything else is refused, as PGlite's own serializer refuses it.
// PGlite's types say a serializer returns text; its bind message writes any byte array it is handed in
// binary format (as pg-protocol, which it ports, does). pglite-bytea.test.ts holds every byte value to a
// round trip, so a PGlite that stopped doing so fails there.
import type { SerializerOptions } from '@electric-sql/pglite';

const BYTEA = 17;

export const bytesAsBinary = {
  [BYTEA]: (value: unknown) => {
    if (value instanceof Uint8Array) return value;
    throw new Error('Invalid input for bytea type');
  },
} as unknown as SerializerOptions;
