import { StreamLanguage, type StringStream } from '@codemirror/language';

/**
 * Syntax highlighting for Eta templates: the text around the tags (usually JSON) and the
 * JavaScript inside `<% %>`, `<%= %>` and `<%~ %>`. A stream tokenizer, as in CodeMirror's legacy
 * modes: good enough to read a template, and errors come from the server's compiler anyway.
 */
interface EtaState {
  inTag: boolean;
  /** The quote that opened a string not yet closed (outside or inside a tag). */
  quote: string | null;
}

const KEYWORDS = new Set([
  'if',
  'else',
  'for',
  'of',
  'in',
  'while',
  'const',
  'let',
  'var',
  'return',
  'function',
  'new',
  'typeof',
  'instanceof',
  'break',
  'continue',
  'switch',
  'case',
  'default',
]);
const ATOMS = new Set(['true', 'false', 'null', 'undefined']);
const HELPERS = new Set(['json', 'get', 'upper', 'lower', 'trim', 'date', 'join', 'string', 'number', 'boolean', 'include', 'escape']);

function tagOpen(stream: StringStream, state: EtaState): string | null {
  if (stream.match(/^<%[=~]?[-_]?/)) {
    state.inTag = true;
    state.quote = null;
    return 'meta';
  }
  return null;
}

function outside(stream: StringStream, state: EtaState): string | null {
  const open = tagOpen(stream, state);
  if (open) return open;
  if (state.quote) {
    // Inside a string of the surrounding text: up to its closing quote or the next tag.
    while (!stream.eol()) {
      if (stream.match('<%', false)) return 'string';
      const ch = stream.next();
      if (ch === '\\') stream.next();
      else if (ch === state.quote) {
        state.quote = null;
        return 'string';
      }
    }
    return 'string';
  }
  if (stream.eatSpace()) return null;
  const ch = stream.peek();
  if (ch === '"') {
    stream.next();
    state.quote = '"';
    return outside(stream, state) ?? 'string';
  }
  if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
  if (stream.match(/^(true|false|null)\b/)) return 'atom';
  if (stream.match(/^[{}[\]]/)) return 'bracket';
  stream.next();
  return null;
}

function inside(stream: StringStream, state: EtaState): string | null {
  if (state.quote) {
    while (!stream.eol()) {
      const ch = stream.next();
      if (ch === '\\') stream.next();
      else if (ch === state.quote) {
        state.quote = null;
        break;
      }
    }
    return 'string';
  }
  if (stream.match(/^[-_]?%>/)) {
    state.inTag = false;
    return 'meta';
  }
  if (stream.eatSpace()) return null;
  const ch = stream.peek() ?? '';
  if (ch === '"' || ch === "'" || ch === '`') {
    stream.next();
    state.quote = ch;
    return inside(stream, state) ?? 'string';
  }
  if (stream.match('//')) {
    while (!stream.eol() && !stream.match(/^[-_]?%>/, false)) stream.next();
    return 'comment';
  }
  if (stream.match(/^\d+(\.\d+)?/)) return 'number';
  const word = stream.match(/^[A-Za-z_$][\w$]*/) as RegExpMatchArray | null;
  if (word) {
    const w = word[0];
    if (KEYWORDS.has(w)) return 'keyword';
    if (ATOMS.has(w)) return 'atom';
    if (w === 'it' || w === 'meta') return 'variable-2';
    if (HELPERS.has(w) && stream.match(/^\s*\(/, false)) return 'def';
    return stream.string.charAt(stream.start - 1) === '.' ? 'property' : 'variable';
  }
  if (stream.match(/^(\?\.|\?\?|===|!==|==|!=|<=|>=|&&|\|\||[-+*/%<>!?:=])/)) return 'operator';
  if (stream.match(/^[()[\]{}]/)) return 'bracket';
  stream.next();
  return null;
}

export const etaLanguage = StreamLanguage.define<EtaState>({
  name: 'eta',
  startState: () => ({ inTag: false, quote: null }),
  copyState: (s) => ({ ...s }),
  token: (stream, state) => (state.inTag ? inside(stream, state) : outside(stream, state)),
  languageData: { commentTokens: { line: '//' } },
});
