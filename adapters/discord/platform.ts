// The platform's name in relevo.yaml (channels' `platform`, agents' `identities`) and in stored references.
export const PLATFORM = 'discord';
