// planer 1.2.0 ships no types; only what bench/reply-accuracy.ts calls.
declare module 'planer' {
  const planer: {
    extractFromPlain(text: string): string;
    extractFromHtml(html: string, document: Document): string;
  };
  export default planer;
}
