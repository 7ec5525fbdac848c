import { z } from 'zod';
import { defineCommand } from './command.ts';
import { commandList } from './index.ts';

export default defineCommand({
  name: 'help',
  args: ['command'],
  schema: z.object({ command: z.string().optional() }),
  usage: '/ticket help [command]',
  help: 'Lists the commands, or explains one.',
  audience: 'anyone',
  async run(_ctx, { command }) {
    const all = commandList();
    const one = all.find((c) => c.name === command);
    if (one) return { text: `${one.usage}\n${one.help}` };
    const intro = command ? `There is no /ticket ${command}. ` : '';
    return { text: `${intro}Commands:\n${all.map((c) => `${c.usage} — ${c.help}`).join('\n')}` };
  },
});
