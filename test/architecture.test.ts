// Rule 1 of ARCHITECTURE.md: the core knows no platform.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const forbidden = [
  /(^|\/)adapters\//,
  /(^|\/)commands\//,
  /^@slack\//,
  /^discord/,
  /^@discordjs\//,
  /^@mattermost\//,
  /^nodemailer/,
  /^smtp-server/,
  /^imapflow/,
  /^fastify/,
  /^@fastify\//,
  /^express/,
  /^node:http/,
  /^ws$/,
  /(^|\/)http\//,
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

function forbiddenImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
  return specifiers.filter((s) => forbidden.some((re) => re.test(s)));
}

describe('src/core imports no adapter, command, platform SDK or HTTP framework', () => {
  it('catches a forbidden import (the check itself works)', () => {
    expect(
      forbiddenImports(`import { App } from '@slack/bolt';\nimport x from '../../adapters/slack/a.ts';`),
    ).toHaveLength(2);
    expect(forbiddenImports(`const f = await import('fastify');`)).toEqual(['fastify']);
    expect(forbiddenImports(`import { z } from 'zod';`)).toEqual([]);
  });

  for (const file of files(path.resolve('src/core'))) {
    it(path.relative(process.cwd(), file), () => {
      expect(forbiddenImports(readFileSync(file, 'utf8'))).toEqual([]);
    });
  }
});

// Email's decisions (threading, loops, forwards) live in src/email and follow the same rule: the
// transports (SMTP listener, IMAP, nodemailer) are adapters.
describe('src/email imports no adapter, transport, platform SDK or HTTP framework', () => {
  for (const file of files(path.resolve('src/email'))) {
    it(path.relative(process.cwd(), file), () => {
      expect(forbiddenImports(readFileSync(file, 'utf8'))).toEqual([]);
    });
  }
});
