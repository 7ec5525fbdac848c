/** A configuration mistake: the message names what is wrong and what was expected; start-up stops. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
