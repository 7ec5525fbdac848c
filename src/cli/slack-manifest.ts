// `relevo slack manifest`: the Slack app manifest for this installation, rendered from the command registry.
import { manifestYaml, slackManifest } from '../../adapters/slack/manifest.ts';
import { commandList } from '../../commands/index.ts';
import { ConfigError } from '../config/config-error.ts';
import { parseEnv } from '../config/env.ts';

export function printSlackManifest(args: string[]): void {
  const env = parseEnv();
  const urlFlag = args.indexOf('--url');
  const publicUrl = urlFlag >= 0 ? args[urlFlag + 1] : env.RELEVO_PUBLIC_URL;
  const socketMode = args.includes('--socket') || Boolean(env.SLACK_APP_TOKEN);
  if (!socketMode && !publicUrl) {
    throw new ConfigError(
      'Slack must reach Relevo at a public https:// address: pass --url https://your.host (or set RELEVO_PUBLIC_URL), or use --socket for Socket Mode.',
    );
  }
  let manifest: ReturnType<typeof slackManifest>;
  try {
    manifest = slackManifest({
      appName: 'Relevo',
      publicUrl: publicUrl ?? '',
      socketMode,
      commands: commandList(),
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  process.stdout.write(manifestYaml(manifest));
}
