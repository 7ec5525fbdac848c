// Just enough of a DOM to run the console's render.js in Node and read what it built: elements with
// attributes and children, text nodes. Text set through text nodes is what a browser would show as is;
// an `a` element is the only way a link appears (render.js never uses innerHTML).

class FakeNode {}

class FakeText extends FakeNode {
  constructor(readonly text: string) {
    super();
  }
}

export class FakeElement extends FakeNode {
  readonly attrs: Record<string, string> = {};
  readonly children: FakeNode[] = [];
  constructor(readonly tag: string) {
    super();
  }
  setAttribute(name: string, value: string) {
    this.attrs[name] = value;
  }
  addEventListener() {}
  append(...nodes: FakeNode[]) {
    this.children.push(...nodes);
  }
  /** Every element below, this one included. */
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((c) => (c instanceof FakeElement ? c.all() : []))];
  }
  get textContent(): string {
    return this.children
      .map((c) => (c instanceof FakeText ? c.text : c instanceof FakeElement ? c.textContent : ''))
      .join('');
  }
}

/** Installs the fake as `document`/`Node` for the duration of `fn`. */
export async function withFakeDom<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as Record<string, unknown>;
  const before = { document: g.document, Node: g.Node };
  g.document = {
    createElement: (tag: string) => new FakeElement(tag),
    createTextNode: (text: string) => new FakeText(text),
    documentElement: { lang: 'en' },
  };
  g.Node = FakeNode;
  try {
    return await fn();
  } finally {
    g.document = before.document;
    g.Node = before.Node;
  }
}
