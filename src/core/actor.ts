// Who does something to a ticket: an agent (or maintainer), a customer's contact, or Relevo itself
// (a timer, a delivery that failed). Permissions and the history's authors follow from it.
export type Actor =
  | { kind: 'agent'; agentId: string }
  | { kind: 'contact'; contactId: string }
  | { kind: 'system' };
