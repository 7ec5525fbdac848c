// A customer's emailed answer to "is it solved?" (seed 003). Only a short, plain yes counts: anything
// longer or hedged ("yes, but…") reopens the ticket for an agent to read, which is the safe side.
const YES = [
  'yes',
  'yes solved',
  'yes it is solved',
  'yes it works',
  'yes it works now',
  'yes thanks',
  'yes thank you',
  'solved',
  'it is solved',
  'it works',
  'it works now',
  'works now',
  'fixed',
  'all good',
  'si',
  'sí',
  'si gracias',
  'sí gracias',
  'si resuelto',
  'sí resuelto',
  'si esta resuelto',
  'sí está resuelto',
  'resuelto',
  'esta resuelto',
  'está resuelto',
  'solucionado',
  'funciona',
  'ya funciona',
  'funciona gracias',
  'ya funciona gracias',
];
const yes = new Set(YES);

export function isPlainConfirmation(visibleText: string): boolean {
  const words = visibleText
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return yes.has(words);
}
