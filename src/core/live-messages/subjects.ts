// What a live message shows, as the `subject` it is stored under: one name per thing, whatever the
// platform, so "the card of #12 in #agents on Slack" is found by (card:12, slack, C0AGENTS).

export const liveSubject = {
  /** A ticket's triage card in an agents' channel. */
  card: (ticketNumber: number) => `card:${ticketNumber}`,
  /** An escalation's post in its product's maintainers' channel. */
  escalation: (escalationId: string) => `escalation:${escalationId}`,
  /** The notice of a conversation waiting for an agent to open its ticket. */
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  /** An alert group's message in a monitor channel (core/alerts/message-sync.ts). */
  alert: (groupId: string) => `alert:${groupId}`,
  /** A new agent's onboarding checklist in an agents' channel (core/onboarding). */
  onboarding: (checklistId: string) => `onboarding:${checklistId}`,
  /** A resolved ticket's satisfaction survey in one of its customer's conversations (core/survey). */
  survey: (ticketNumber: number, thread: string) => `survey:${ticketNumber}:${thread}`,
};
