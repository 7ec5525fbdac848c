// A logger that keeps every line Relevo writes, for tests that check what is (not) logged.
import pino, { type Logger } from 'pino';

export function capturingLogger(): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines, text: () => lines.join('') };
}
