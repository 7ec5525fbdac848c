// `relevo sessions end [--agent <id>]`: signs agents out of the console everywhere. A running Relevo is
// asked through its API (POST /api/v1/sessions/end), so it works with the embedded database, which two
// processes must never open at once; when nothing answers at HOST:PORT, the database is opened here.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from '../config/env.ts';

export async function endSessions(agentId: string | undefined): Promise<void> {
  const env = parseEnv();
  const token =
    env.RELEVO_API_TOKEN ??
    (await readFile(path.resolve(env.RELEVO_DATA_DIR, 'api-token'), 'utf8').catch(() => ''))?.trim();
  const host = ['0.0.0.0', '::', ''].includes(env.HOST) ? '127.0.0.1' : env.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}/api/v1/sessions/end`;
  let answer: Response | undefined;
  if (token) {
    answer = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(agentId ? { agent: agentId } : {}),
    }).catch(() => undefined);
  }
  const who = agentId ? `agent "${agentId}"` : 'every agent';
  if (answer) {
    const body = (await answer.json().catch(() => ({}))) as {
      ended?: number;
      error?: { message?: string };
    };
    if (!answer.ok) return fail(`Relevo at ${url} refused: ${body.error?.message ?? answer.status}`);
    console.log(`Ended ${body.ended} console session(s) of ${who}.`);
    return;
  }
  const { openConfiguredDatabase } = await import('../db/configured.ts');
  const { endConsoleSessions } = await import('../http/sessions.ts');
  const db = await openConfiguredDatabase(env);
  try {
    if (agentId && !(await db.prisma.agent.findUnique({ where: { id: agentId } }))) {
      return fail(`There is no agent "${agentId}".`);
    }
    const ended = await endConsoleSessions(db.prisma, agentId);
    console.log(`Ended ${ended} console session(s) of ${who} in ${db.description}.`);
  } finally {
    await db.close();
  }
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}
