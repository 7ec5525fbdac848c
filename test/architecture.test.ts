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

function importSpecifiers(source: string): string[] {
  return [
    ...source.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
}

function forbiddenImports(source: string): string[] {
  return importSpecifiers(source).filter((s) => forbidden.some((re) => re.test(s)));
}

/**
 * Imports of `file` that land in src/config. Resolved rather than matched, because the core's own
 * src/core/config.ts ('../config.ts') is fine and src/config/file.ts ('../../config/file.ts') is not.
 */
function configImports(file: string, source: string): string[] {
  const configDir = path.resolve('src/config') + path.sep;
  return importSpecifiers(source).filter(
    (s) => s.startsWith('.') && path.resolve(path.dirname(file), s).startsWith(configDir),
  );
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

// The core reads its own configuration type (src/core/config.ts); relevo.yaml's schema satisfies it.
// Loading and validating the file, and what a platform adds to it, stay outside the core.
describe('src/core imports nothing from src/config', () => {
  it('catches an import of the configuration file (the check itself works)', () => {
    const file = path.resolve('src/core/tickets/service.ts');
    expect(
      configImports(
        file,
        `import type { FileConfig } from '../../config/file.ts';\nimport { loadConfig } from '../../config/index.ts';`,
      ),
    ).toEqual(['../../config/file.ts', '../../config/index.ts']);
    expect(configImports(file, `const env = await import('../../config/env.ts');`)).toEqual([
      '../../config/env.ts',
    ]);
    expect(configImports(file, `import type { DeskConfig } from '../config.ts';`)).toEqual([]);
    expect(configImports(path.resolve('src/core/actions.ts'), `import { x } from './config.ts';`)).toEqual(
      [],
    );
  });

  for (const file of files(path.resolve('src/core'))) {
    it(path.relative(process.cwd(), file), () => {
      expect(configImports(file, readFileSync(file, 'utf8'))).toEqual([]);
    });
  }
});
