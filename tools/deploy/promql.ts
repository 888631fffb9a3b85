/**
 * The metric names a PromQL expression selects: enough of a PromQL lexer to tell metric names from
 * functions, aggregation operators, keywords, label names (matchers, by/without/on/ignoring lists),
 * strings, numbers, durations and Grafana variables ($service, ${var}, $__rate_interval).
 * Not a parser: it does not judge whether the expression is valid (promtool does, for alerts.yml).
 */

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);
/** Keywords followed by a parenthesised list of label names (not metrics). */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export interface MetricReference {
  name: string;
  /** Offset of the name in the expression. */
  at: number;
}

/** The metric names selected in `expr`, in order of appearance (repeats included). */
export function metricReferences(expr: string): MetricReference[] {
  const refs: MetricReference[] = [];
  let i = 0;
  const n = expr.length;
  const skipString = (quote: string) => {
    i++;
    while (i < n && expr[i] !== quote) i += expr[i] === '\\' && quote !== '`' ? 2 : 1;
    i++;
  };
  const skipBalanced = (open: string, close: string) => {
    let depth = 0;
    while (i < n) {
      const c = expr[i];
      if (c === '"' || c === "'" || c === '`') {
        skipString(c);
        continue;
      }
      if (c === open) depth++;
      else if (c === close && --depth === 0) {
        i++;
        return;
      }
      i++;
    }
  };
  const skipSpace = () => {
    while (i < n) {
      if (/\s/.test(expr[i])) i++;
      else if (expr[i] === '#') while (i < n && expr[i] !== '\n') i++;
      else break;
    }
  };
  while (i < n) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') skipString(c);
    else if (c === '{')
      skipBalanced('{', '}'); // label matchers
    else if (c === '[')
      skipBalanced('[', ']'); // range or subquery duration
    else if (c === '#') while (i < n && expr[i] !== '\n') i++;
    else if (c === '$') {
      // Grafana variable: $name, ${name...}, [[name]] is not used here
      i++;
      if (expr[i] === '{') skipBalanced('{', '}');
      else while (i < n && /\w/.test(expr[i])) i++;
    } else if (/[0-9.]/.test(c)) {
      // number, hex or duration (5m, 1h30m, 1e6, 0x1f)
      while (i < n && /[\w.]/.test(expr[i])) i++;
      if ((expr[i - 1] === 'e' || expr[i - 1] === 'E') && (expr[i] === '+' || expr[i] === '-')) {
        i++;
        while (i < n && /\w/.test(expr[i])) i++;
      }
    } else if (/[A-Za-z_:]/.test(c)) {
      const start = i;
      while (i < n && /[\w:]/.test(expr[i])) i++;
      const word = expr.slice(start, i);
      const lower = word.toLowerCase();
      skipSpace();
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        if (expr[i] === '(') skipBalanced('(', ')');
      } else if (KEYWORDS.has(lower)) {
        // operator keyword
      } else if (expr[i] === '(') {
        // a function call
      } else if (/^(sum|min|max|avg|group|stddev|stdvar|count|count_values|bottomk|topk|quantile|limitk|limit_ratio)$/.test(word)) {
        // an aggregation with its by/without clause before the parenthesis
      } else {
        refs.push({ name: word, at: start });
      }
    } else i++;
  }
  return refs;
}

/** The distinct metric names of `expr`. */
export function metricNames(expr: string): string[] {
  return [...new Set(metricReferences(expr).map((r) => r.name))];
}
