// Both parsing libraries run regexes with several `.+` per line, which are cubic in the length of a
// hostile line (email-forward-parser: one crafted line of 4,900 characters took 1.6 s;
// email-reply-parser: 0.2 s). They never need more than the start of a line to recognise a header or
// a separator, so the rest of a long line waits behind a private-use marker and is put back into
// whatever the library returns.

const MARK = '\ue000';
const MARKED_TAIL = /\ue000(\d+)\ue000/g;

export interface HiddenTails {
  text: string;
  restore: (s: string | null | undefined) => string;
}

export function hideLongLines(text: string, maxLine: number): HiddenTails {
  const tails: string[] = [];
  const lines = text
    .replaceAll(MARK, '')
    .split('\n')
    .map((line) => {
      if (line.length <= maxLine) return line;
      tails.push(line.slice(maxLine));
      return `${line.slice(0, maxLine)}${MARK}${tails.length - 1}${MARK}`;
    });
  const restore = (s: string | null | undefined) =>
    (s ?? '').replace(MARKED_TAIL, (_, i: string) => tails[Number(i)] ?? '');
  return { text: lines.join('\n'), restore };
}
