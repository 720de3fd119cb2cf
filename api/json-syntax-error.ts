/**
 * Where is a JSON text broken, and how: for the 400 answer to a malformed body.
 *
 * V8's `JSON.parse` messages do not always carry a position ("Unexpected token '}',
 * "{"a":}" is not valid JSON") and they quote the body back. This small scanner runs only
 * after `JSON.parse` failed and reports the first offending offset with line and column.
 * It is iterative (an explicit stack), since a hostile body can nest a million levels.
 */

/** First syntax error of a JSON text. `position` is a 0-based UTF-16 offset. */
export interface JsonSyntaxError {
  position: number;
  line: number;
  column: number;
  message: string;
}

type State = 'value' | 'key' | 'after';

/** The first syntax error in `text`, or `null` when `text` is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: Array<'{' | '['> = [];
  let i = skipWs(text, 0);
  let state: State = 'value';
  const fail = (at: number, what: string): JsonSyntaxError =>
    at >= n
      ? locate(text, n, `unexpected end of input, ${what}`)
      : locate(text, at, `unexpected character ${JSON.stringify(text[at])}, ${what}`);

  for (;;) {
    if (state === 'value') {
      const ch = text[i];
      if (ch === '{' || ch === '[') {
        stack.push(ch);
        i = skipWs(text, i + 1);
        if (text[i] === (ch === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          state = 'after';
        } else {
          state = ch === '{' ? 'key' : 'value';
        }
        continue;
      }
      let end: number | JsonSyntaxError;
      if (ch === '"') end = scanString(text, i);
      else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) end = scanNumber(text, i);
      else if (text.startsWith('true', i)) end = i + 4;
      else if (text.startsWith('false', i)) end = i + 5;
      else if (text.startsWith('null', i)) end = i + 4;
      else return fail(i, 'expected a JSON value');
      if (typeof end !== 'number') return end;
      i = end;
      state = 'after';
    } else if (state === 'key') {
      if (text[i] !== '"') return fail(i, 'expected a double-quoted property name');
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = skipWs(text, end);
      if (text[i] !== ':') return fail(i, "expected ':' after property name");
      i = skipWs(text, i + 1);
      state = 'value';
    } else {
      i = skipWs(text, i);
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i < n ? fail(i, 'expected end of input after the JSON value') : null;
      }
      const close = top === '{' ? '}' : ']';
      if (text[i] === ',') {
        i = skipWs(text, i + 1);
        state = top === '{' ? 'key' : 'value';
      } else if (text[i] === close) {
        stack.pop();
        i++;
      } else {
        return fail(i, `expected ',' or '${close}'`);
      }
    }
  }

  function scanString(s: string, start: number): number | JsonSyntaxError {
    for (let j = start + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c < 0x20) return locate(s, j, 'control character in string (escape it)');
      if (c === 0x5c) {
        const e = s[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) return locate(s, j, 'bad \\u escape in string');
          j += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          j++;
        } else {
          return locate(s, j, 'bad escape in string');
        }
      }
    }
    return locate(s, n, 'unexpected end of input, unterminated string');
  }

  function scanNumber(s: string, start: number): number | JsonSyntaxError {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = start;
    const match = m.exec(s);
    if (match === null || match[0] === '-' || match[0].length === 0) return locate(s, start, 'malformed number');
    const end = start + match[0].length;
    // "01", "1.", "1e": the regex stops early; the following character is the error.
    const next = s[end];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) return locate(s, end, 'malformed number');
    return end;
  }
}

function skipWs(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

function locate(text: string, position: number, message: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { position, line, column: position - lineStart + 1, message };
}
