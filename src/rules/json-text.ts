/**
 * JSON.parse with a position: Node 20's messages sometimes omit where the error is, so on failure
 * a small scanner finds the first offending character and reports line and column.
 */

export interface JsonSyntaxProblem {
  line: number;
  column: number;
  reason: string;
}

/** Parse JSON text; on a syntax error return the problem with line and column (1-based). */
export function parseJsonText(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: JsonSyntaxProblem } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const at = locateJsonError(text);
    const { line, column } = lineColumn(text, at.offset);
    return {
      ok: false,
      problem: {
        line,
        column,
        reason: at.reason ?? `invalid JSON (${(error as Error).message.split('\n')[0]})`,
      },
    };
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

/** Find the first syntax error; a bounded recursive descent (depth capped at 512). */
function locateJsonError(text: string): { offset: number; reason?: string } {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of file' : `'${text[i]}'`);
  const fail = (what: string): never => {
    throw new Stop(i, `unexpected ${describe()}, expected ${what}`);
  };
  const str = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            fail('4 hex digits after \\u');
          }
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else {
          i++;
          fail('a valid escape');
        }
      } else if (c.charCodeAt(0) < 0x20) fail('a closing quote (control character in string)');
      else i++;
    }
    fail('a closing quote');
  };
  /** Past a container's opening: true when `close` follows at once (`{}`, `[]`), consumed. */
  const closesAtOnce = (close: '}' | ']'): boolean => {
    i++;
    ws();
    if (text[i] !== close) return false;
    i++;
    return true;
  };
  /** After a member: true at `,` (another follows), false at `close` (the container ends); both consumed. */
  const anotherMember = (close: '}' | ']'): boolean => {
    ws();
    if (text[i] === ',') {
      i++;
      return true;
    }
    if (text[i] === close) {
      i++;
      return false;
    }
    return fail(`',' or '${close}'`);
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Stop(i, 'nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      if (closesAtOnce('}')) return;
      do {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        str();
        ws();
        if (text[i] !== ':') fail("':'");
        i++;
        value(depth + 1);
      } while (anotherMember('}'));
      return;
    }
    if (c === '[') {
      if (closesAtOnce(']')) return;
      do {
        value(depth + 1);
      } while (anotherMember(']'));
      return;
    }
    if (c === '"') {
      str();
      return;
    }
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) fail('a value');
    i += lit![0].length;
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('end of file');
    return { offset: i };
  } catch (stop) {
    if (stop instanceof Stop) return { offset: stop.offset, reason: stop.reason };
    throw stop;
  }
}
