// Loads the whole configuration once at start: environment, then relevo.yaml.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Env, parseEnv } from './env.ts';
import { type FileConfig, loadConfigFile } from './file.ts';

export { ConfigError } from './config-error.ts';
export type { Env, FileConfig };

export const demoConfigPath = fileURLToPath(new URL('./demo.yaml', import.meta.url));

/** RELEVO_CONFIG if set, else ./relevo.yaml if present, else the built-in demo. */
export function configPath(env: Env): string {
  if (env.RELEVO_CONFIG) return env.RELEVO_CONFIG;
  return existsSync('relevo.yaml') ? 'relevo.yaml' : demoConfigPath;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): {
  env: Env;
  config: FileConfig;
  configFile: string;
} {
  const env = parseEnv(source);
  const configFile = configPath(env);
  return { env, config: loadConfigFile(configFile), configFile };
}
