// A batch's rows as one SQL VALUES list of bound parameters. Prisma's createMany costs far more than the
// statement itself (measured: ~40 ms per 100-row createMany against ~2 ms in PostgreSQL; it compiles a new
// query plan on every call), so batch statements on hot paths are written in SQL; each value is cast to its
// column's type, so that a column of nulls is typed too, on PGlite as on PostgreSQL.

/** `(…), (…)` with `$n::type` placeholders, and the values to bind to them in order. */
export function valuesList(
  rows: readonly (readonly unknown[])[],
  types: readonly string[],
  /** Values already bound before this list (their placeholders come first). */
  offset = 0,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = rows
    .map((row) => {
      if (row.length !== types.length)
        throw new Error(`a row of ${row.length} values for ${types.length} columns`);
      return `(${row
        .map((value, i) => {
          params.push(value);
          return `$${offset + params.length}::${types[i]}`;
        })
        .join(', ')})`;
    })
    .join(', ');
  return { sql, params };
}
