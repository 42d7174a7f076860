/**
 * Where JSON text first goes wrong, and what was expected there (RFC 8259 grammar). Used only
 * after JSON.parse has refused the text, to name a line and column whatever the engine's own
 * message says (V8 gives a position for some errors and a snippet for others).
 */

export interface JsonError {
  index: number;
  expected: string;
}

class Stop extends Error {
  constructor(
    readonly index: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

export function jsonErrorAt(text: string): JsonError | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (ch: string, what: string) => {
    ws();
    if (text[i] !== ch) throw new Stop(i, what);
    i++;
  };
  const string = () => {
    if (text[i] !== '"') throw new Stop(i, 'a double-quoted string');
    i++;
    for (;;) {
      const ch = text[i];
      if (ch === undefined) throw new Stop(i, 'the closing quote of a string');
      if (ch === '"') return void i++;
      if (ch < ' ') throw new Stop(i, 'no line break or control character inside a string');
      if (ch === '\\') {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) throw new Stop(i, 'a valid escape (\\n, \\", \\u0041, …)');
        i = ESCAPE.lastIndex;
      } else i++;
    }
  };
  const list = (close: string, item: () => void) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (text[i] === close) return void i++;
      expect(',', `',' or '${close}'`);
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return list('}', () => (ws(), string(), expect(':', "':' after a property name"), value()));
    if (ch === '[') return list(']', value);
    if (ch === '"') return string();
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return void (i += word.length);
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    throw new Stop(i, 'a value (a string, number, object, array, true, false or null)');
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Stop(i, 'nothing after the end of the JSON');
    return null;
  } catch (e) {
    if (e instanceof Stop) return { index: e.index, expected: e.expected };
    throw e;
  }
}
