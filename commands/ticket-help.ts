import { z } from 'zod';
import { defineCommand, say } from './command.ts';
import { commandList } from './index.ts';

export default defineCommand({
  name: 'help',
  args: ['command'],
  schema: z.object({ command: z.string().optional() }),
  usage: '/ticket help [command]',
  help: { en: 'Lists the commands, or explains one.', es: 'Lista los comandos o explica uno.' },
  argHelp: { command: { en: 'The command to explain', es: 'El comando que explicar' } },
  audience: 'anyone',
  async run(ctx, { command }) {
    const all = commandList();
    const one = all.find((c) => c.name === command);
    if (one) return { text: `${one.usage}\n${say(ctx, one.help)}` };
    const intro = say(
      ctx,
      command
        ? { en: `There is no /ticket ${command}. Commands:`, es: `No existe /ticket ${command}. Comandos:` }
        : { en: 'Commands:', es: 'Comandos:' },
    );
    return { text: `${intro}\n${all.map((c) => `${c.usage} — ${say(ctx, c.help)}`).join('\n')}` };
  },
});
