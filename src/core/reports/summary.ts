// What the desk tells its team (seeds 001 and 004 step 10): how many tickets are unresolved, open, waiting and
// unassigned now; created against resolved over a period; first-response and resolution times (median and
// 90th percentile, in the plan's business minutes, kept on each ticket when its clock stopped — see
// src/core/sla/refresh.ts); SLA compliance per clock; and the recurring problems (top categories, products,
// organisations); and the customers' satisfaction (seed 004 step 8: the surveys asked in the period, how
// many were answered, the average, the share of 4s and 5s, each score's count). All of it computed by the database on indexed columns, never by loading tickets.
import { type Db, Prisma } from '../../db/index.ts';

export interface ReportFilters {
  from: Date;
  to: Date;
  organisationId?: string;
  plan?: string;
  productId?: string;
  category?: string;
  priority?: string;
  /** Where tickets came from (Ticket.source: a platform, email, api, …). */
  source?: string;
  /** The assigned agent. */
  agentId?: string;
  /** The series' step. */
  bucket?: 'day' | 'week';
}

const ACTIVE = ['new', 'open', 'waiting_on_customer', 'on_hold'];

/** The dimension filters (not the period) as SQL over `t` (Ticket) joined with `o` (Organisation). */
function dimensions(f: ReportFilters): Prisma.Sql {
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.organisationId) where.push(Prisma.sql`t."organisationId" = ${f.organisationId}`);
  if (f.plan) where.push(Prisma.sql`o.plan = ${f.plan}`);
  if (f.productId) where.push(Prisma.sql`t."productId" = ${f.productId}`);
  if (f.category) where.push(Prisma.sql`t.category::text = ${f.category}`);
  if (f.priority) where.push(Prisma.sql`t.priority::text = ${f.priority}`);
  if (f.source) where.push(Prisma.sql`t.source = ${f.source}`);
  if (f.agentId) where.push(Prisma.sql`t."assigneeId" = ${f.agentId}`);
  return Prisma.join(where, ' AND ');
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export interface TimeFigures {
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export interface Compliance {
  met: number;
  breached: number;
  /** met / (met + breached), null with neither. */
  rate: number | null;
}

export interface ReportSummary {
  from: string;
  to: string;
  now: {
    unresolved: number;
    open: number;
    waiting: number;
    unassigned: number;
    awaitingConfirmation: number;
  };
  created: number;
  resolved: number;
  series: { start: string; created: number; resolved: number }[];
  firstResponse: TimeFigures;
  resolution: TimeFigures;
  sla: { firstResponse: Compliance; nextUpdate: Compliance; resolution: Compliance };
  top: {
    categories: { key: string; count: number }[];
    products: { key: string; name: string; count: number }[];
    organisations: { key: string; name: string; count: number }[];
  };
  satisfaction: Satisfaction;
}

/** The satisfaction surveys asked in the period (when their ticket was first resolved), and their answers. */
export interface Satisfaction {
  asked: number;
  answered: number;
  /** answered / asked, null when none was asked. */
  responseRate: number | null;
  /** The mean rating (1–5), null with no answer. */
  average: number | null;
  /** The share of ratings that are 4 or 5 (CSAT), null with no answer. */
  satisfied: number | null;
  /** How many rated 1, 2, 3, 4 and 5. */
  scores: [number, number, number, number, number];
  comments: number;
}

const compliance = (met: unknown, breached: unknown): Compliance => {
  const m = Number(met);
  const b = Number(breached);
  return { met: m, breached: b, rate: m + b ? m / (m + b) : null };
};

export async function reportSummary(db: Db, f: ReportFilters): Promise<ReportSummary> {
  const dims = dimensions(f);
  const { from, to } = f;
  const inPeriod = (column: string) =>
    Prisma.sql`t.${Prisma.raw(`"${column}"`)} >= ${from} AND t.${Prisma.raw(`"${column}"`)} < ${to}`;
  const active = Prisma.join(ACTIVE.map((s) => Prisma.sql`${s}::"TicketStatus"`));

  const tickets = Prisma.sql`"Ticket" t JOIN "Organisation" o ON o.id = t."organisationId"`;
  // Three reads, each on its own index: the tickets not finished now (status), those created in the period
  // (createdAt: first response and compliance count there) and those resolved in it (resolvedAt). One pass
  // over every ticket took about 1 s for a month of 120,000 tickets on PGlite (bench/reports.ts).
  const [[current = {}], [created = {}], [resolved = {}]] = await Promise.all([
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(*) FILTER (WHERE t.status IN (${active})) AS unresolved,
        count(*) FILTER (WHERE t.status IN ('new', 'open')) AS open,
        count(*) FILTER (WHERE t.status = 'waiting_on_customer') AS waiting,
        count(*) FILTER (WHERE t.status IN (${active}) AND t."assigneeId" IS NULL) AS unassigned,
        count(*) FILTER (WHERE t.status = 'awaiting_confirmation') AS "awaitingConfirmation"
      FROM ${tickets}
      WHERE ${dims} AND t.status IN (${active}, 'awaiting_confirmation'::"TicketStatus")`,
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(*) AS created,
        count(t."firstResponseMinutes") AS "frCount",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY t."firstResponseMinutes") AS "frMedian",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY t."firstResponseMinutes") AS "frP90",
        -- A clock met: it stopped (its minutes are kept) and never breached. Breached: it passed its target.
        count(*) FILTER (WHERE t."firstResponseMinutes" IS NOT NULL
          AND NOT 'firstResponse' = ANY (t."slaBreaches")) AS "frMet",
        count(*) FILTER (WHERE 'firstResponse' = ANY (t."slaBreaches")) AS "frBreached",
        count(*) FILTER (WHERE t."resolutionMinutes" IS NOT NULL AND t."firstResponseMinutes" IS NOT NULL
          AND NOT 'nextUpdate' = ANY (t."slaBreaches")) AS "nuMet",
        count(*) FILTER (WHERE 'nextUpdate' = ANY (t."slaBreaches")) AS "nuBreached",
        count(*) FILTER (WHERE t."resolutionMinutes" IS NOT NULL
          AND NOT 'resolution' = ANY (t."slaBreaches")) AS "resMet",
        count(*) FILTER (WHERE 'resolution' = ANY (t."slaBreaches")) AS "resBreached"
      FROM ${tickets}
      WHERE ${dims} AND ${inPeriod('createdAt')}`,
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT
        count(*) AS resolved,
        count(t."resolutionMinutes") AS "resCount",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY t."resolutionMinutes") AS "resMedian",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY t."resolutionMinutes") AS "resP90"
      FROM ${tickets}
      WHERE ${dims} AND ${inPeriod('resolvedAt')}`,
  ]);
  const r = { ...current, ...created, ...resolved };

  const step = f.bucket === 'week' ? 'week' : 'day';
  // Each side counted once, grouped by its step, then laid on every step of the period (empty ones too).
  const series = await db.$queryRaw<{ start: Date; created: bigint; resolved: bigint }[]>`
    WITH buckets AS (
      SELECT generate_series(date_trunc(${step}, ${from}::timestamp), ${to}::timestamp - interval '1 millisecond',
        ${`1 ${step}`}::interval) AS start
    ), c AS (
      SELECT date_trunc(${step}, t."createdAt") AS start, count(*) AS n
      FROM "Ticket" t JOIN "Organisation" o ON o.id = t."organisationId"
      WHERE ${dims} AND ${inPeriod('createdAt')} GROUP BY 1
    ), r AS (
      SELECT date_trunc(${step}, t."resolvedAt") AS start, count(*) AS n
      FROM "Ticket" t JOIN "Organisation" o ON o.id = t."organisationId"
      WHERE ${dims} AND ${inPeriod('resolvedAt')} GROUP BY 1
    )
    SELECT b.start, coalesce(c.n, 0) AS created, coalesce(r.n, 0) AS resolved
    FROM buckets b LEFT JOIN c ON c.start = b.start LEFT JOIN r ON r.start = b.start
    ORDER BY b.start`;

  const top = async (key: Prisma.Sql, name: Prisma.Sql, join: Prisma.Sql) =>
    db.$queryRaw<{ key: string; name: string; count: bigint }[]>`
      SELECT ${key} AS key, ${name} AS name, count(*) AS count
      FROM "Ticket" t JOIN "Organisation" o ON o.id = t."organisationId" ${join}
      WHERE ${dims} AND ${inPeriod('createdAt')} AND ${key} IS NOT NULL
      GROUP BY 1, 2 ORDER BY count(*) DESC, 1 LIMIT 5`;
  const satisfaction = db.$queryRaw<Record<string, unknown>[]>`
    SELECT count(*) AS asked, count(s.score) AS answered, avg(s.score)::float8 AS average,
      count(*) FILTER (WHERE s.score >= 4) AS satisfied, count(s.comment) AS comments,
      count(*) FILTER (WHERE s.score = 1) AS s1, count(*) FILTER (WHERE s.score = 2) AS s2,
      count(*) FILTER (WHERE s.score = 3) AS s3, count(*) FILTER (WHERE s.score = 4) AS s4,
      count(*) FILTER (WHERE s.score = 5) AS s5
    FROM "SatisfactionSurvey" s
    JOIN "Ticket" t ON t.number = s."ticketNumber" JOIN "Organisation" o ON o.id = t."organisationId"
    WHERE ${dims} AND s."askedAt" >= ${from} AND s."askedAt" < ${to}`;
  const [categories, products, organisations, [rated = {}]] = await Promise.all([
    top(Prisma.sql`t.category::text`, Prisma.sql`t.category::text`, Prisma.empty),
    top(
      Prisma.sql`t."productId"`,
      Prisma.sql`p.name`,
      Prisma.sql`LEFT JOIN "Product" p ON p.id = t."productId"`,
    ),
    top(Prisma.sql`t."organisationId"`, Prisma.sql`o.name`, Prisma.empty),
    satisfaction,
  ]);
  const counted = <T extends { count: bigint }>(rows: T[]) =>
    rows.map((x) => ({ ...x, count: Number(x.count) }));

  return {
    from: from.toISOString(),
    to: to.toISOString(),
    now: {
      unresolved: Number(r.unresolved),
      open: Number(r.open),
      waiting: Number(r.waiting),
      unassigned: Number(r.unassigned),
      awaitingConfirmation: Number(r.awaitingConfirmation),
    },
    created: Number(r.created),
    resolved: Number(r.resolved),
    series: series.map((s) => ({
      start: s.start.toISOString(),
      created: Number(s.created),
      resolved: Number(s.resolved),
    })),
    firstResponse: { count: Number(r.frCount), medianMinutes: num(r.frMedian), p90Minutes: num(r.frP90) },
    resolution: { count: Number(r.resCount), medianMinutes: num(r.resMedian), p90Minutes: num(r.resP90) },
    sla: {
      firstResponse: compliance(r.frMet, r.frBreached),
      nextUpdate: compliance(r.nuMet, r.nuBreached),
      resolution: compliance(r.resMet, r.resBreached),
    },
    top: {
      categories: counted(categories).map(({ key, count }) => ({ key, count })),
      products: counted(products),
      organisations: counted(organisations),
    },
    satisfaction: satisfactionOf(rated),
  };
}

function satisfactionOf(row: Record<string, unknown>): Satisfaction {
  const asked = Number(row.asked ?? 0);
  const answered = Number(row.answered ?? 0);
  return {
    asked,
    answered,
    responseRate: asked ? answered / asked : null,
    average: answered ? num(row.average) : null,
    satisfied: answered ? Number(row.satisfied) / answered : null,
    scores: [
      Number(row.s1 ?? 0),
      Number(row.s2 ?? 0),
      Number(row.s3 ?? 0),
      Number(row.s4 ?? 0),
      Number(row.s5 ?? 0),
    ],
    comments: Number(row.comments ?? 0),
  };
}
