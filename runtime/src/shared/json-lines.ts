/**
 * Line numbers for places in a JSON text, so a configuration problem can say `default.json:12`
 * instead of only a field path. A small scanner, not a parser: run it on text that JSON.parse accepted
 * (or on any text, for {@link lineOfOffset}).
 */

/** 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line a JSON.parse error message points at: `position N` or `line N` (Node 22), or the quoted
 * context Node 20 prints (`Unexpected token '}', ..."b": }" is not valid JSON`); the last line for
 * an early end of input.
 */
export function lineOfJsonError(text: string, message: string): number | undefined {
  const line = /\bline (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /\bposition (\d+)/.exec(message);
  if (position) return lineOfOffset(text, Number(position[1]));
  if (/end of JSON input/.test(message)) return lineOfOffset(text, text.trimEnd().length);
  const context = /, (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  const at = context ? text.indexOf(context[1]!) : -1;
  if (at < 0) return undefined;
  const token = /Unexpected token '([\s\S])'/.exec(message)?.[1];
  const within = token === undefined ? 0 : Math.max(0, context![1]!.indexOf(token));
  return lineOfOffset(text, at + within);
}

/**
 * 1-based line where the value at `path` (as `intents[0].keys[1]`, or `(root)`) starts, or the line
 * of its nearest existing ancestor (a missing field is reported where its object starts).
 */
export function lineOfJsonPath(text: string, path: string): number {
  const wanted = path === '(root)' || path === '' ? [] : parsePath(path);
  const offsets = new Map<string, number>();
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (key: string): void => {
    ws();
    offsets.set(key, i);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        const name = str();
        ws();
        i++; // ':'
        value(`${key}.${name}`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      for (let n = 0; i < text.length && text[i] !== ']'; n++) {
        value(`${key}[${n}]`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    }
  };
  try {
    value('');
  } catch {
    // Not valid JSON after all: fall back to whatever was located.
  }
  for (let n = wanted.length; n >= 0; n--) {
    const offset = offsets.get(wanted.slice(0, n).join(''));
    if (offset !== undefined) return lineOfOffset(text, offset);
  }
  return 1;
}

/** `a.b[2].c` → ['.a', '.b', '[2]', '.c'] (the keys the scanner records, in order). */
function parsePath(path: string): string[] {
  return [...path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? `[${m[1]}]` : `.${m[2]!}`));
}
