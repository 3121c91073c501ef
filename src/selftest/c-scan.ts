// Tokens of a kernel selftest C file: just enough C to find declarations, test functions and
// their asm statements. Every token keeps its byte offsets so that text taken out of string
// literals can still be traced back to file:line:col.
import { SourceError, type SourceLoc } from '../asm/errors.ts';

export type CTokKind = 'ident' | 'num' | 'str' | 'punct';

export interface CTok {
  kind: CTokKind;
  text: string;
  start: number;
  end: number;
  /** 'num' (and character constants): the value. */
  num?: bigint;
  /** 'str': the unescaped value and, for each of its characters, the source offset it came from. */
  value?: string;
  offs?: number[];
}

export interface CDefine {
  name: string;
  /** Function-like macros have parameters; object-like ones do not. */
  params: string[] | null;
  body: CTok[];
  start: number;
}

export interface CScan {
  file: string;
  text: string;
  toks: CTok[];
  defines: Map<string, CDefine>;
  loc: (offset: number) => SourceLoc;
}

const PUNCTS = ['<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v', '?': '?' };

export function locator(file: string, text: string): (offset: number) => SourceLoc {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - starts[lo] + 1 };
  };
}

/** Decides `#if`/`#elif` conditions; `defined` is already replaced by 0 or 1. */
export type CondEval = (toks: CTok[], defines: Map<string, CDefine>, at: number) => boolean;

interface CondState {
  /** One entry per open #if: is the enclosing region live, has a branch been taken. */
  stack: { parentLive: boolean; taken: boolean }[];
  live: boolean;
  evalCond: CondEval;
}

/** `predefined`: macros the compiler defines (clang's target and version macros). */
export function scanC(file: string, text: string, evalCond?: CondEval, predefined: Record<string, string> = {}): CScan {
  const loc = locator(file, text);
  const defines = new Map<string, CDefine>();
  for (const [name, v] of Object.entries(predefined)) defines.set(name, { name, params: null, body: lexRange(v, 0, v.length, loc, defines, null), start: 0 });
  const cond: CondState = { stack: [], live: true, evalCond: evalCond ?? (() => true) };
  const toks = lexRange(text, 0, text.length, loc, defines, cond);
  if (cond.stack.length) throw new SourceError(loc(text.length), '#if without #endif');
  return { file, text, toks, defines, loc };
}

function lexRange(text: string, from: number, to: number, loc: (o: number) => SourceLoc, defines: Map<string, CDefine>, cond: CondState | null): CTok[] {
  const toks: CTok[] = [];
  let i = from;
  let atLineStart = true;
  while (i < to) {
    const c = text[i];
    if (c === '\n') {
      i++;
      atLineStart = true;
      continue;
    }
    if (cond && !cond.live && !(atLineStart && /^[ \t]*#/.test(text.slice(i, i + 40)))) {
      // a skipped #if group: only its directives matter
      while (i < to && text[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < to && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0 || e + 2 > to) throw new SourceError(loc(i), 'unterminated /* comment');
      i = e + 2;
      continue;
    }
    if (c === '#' && atLineStart && cond) {
      i = directive(text, i, to, loc, defines, cond);
      continue;
    }
    atLineStart = false;
    if (c === '"') {
      const t = stringLit(text, i, to, loc);
      toks.push(t);
      i = t.end;
      continue;
    }
    if (c === "'") {
      const t = stringLit(text, i, to, loc, "'");
      const v = t.value ?? '';
      if (v.length !== 1) throw new SourceError(loc(i), 'a character constant must hold exactly one character');
      toks.push({ kind: 'num', text: t.text, start: t.start, end: t.end, num: BigInt(v.charCodeAt(0)) });
      i = t.end;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)/.exec(text.slice(i, Math.min(to, i + 40)));
      if (!m || /[A-Za-z0-9_.]/.test(text[i + m[0].length] ?? '')) {
        let e = i;
        while (e < to && /[A-Za-z0-9_.]/.test(text[e])) e++;
        throw new SourceError(loc(i), `malformed or unsupported number '${text.slice(i, e)}'`);
      }
      const d = m[1];
      const v = /^0[bB]/.test(d) ? BigInt(d) : /^0[0-7]+$/.test(d) ? BigInt('0o' + d.slice(1)) : BigInt(d);
      toks.push({ kind: 'num', text: m[0], start: i, end: i + m[0].length, num: v });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let e = i + 1;
      while (e < to && /[A-Za-z0-9_$]/.test(text[e])) e++;
      toks.push({ kind: 'ident', text: text.slice(i, e), start: i, end: e });
      i = e;
      continue;
    }
    const p = PUNCTS.find((q) => text.startsWith(q, i)) ?? c;
    if (!/[-+*/%&|^~!<>=?:;,.(){}[\]#]/.test(p[0])) throw new SourceError(loc(i), `unexpected character '${c}'`);
    toks.push({ kind: 'punct', text: p, start: i, end: i + p.length });
    i += p.length;
  }
  return toks;
}

function stringLit(text: string, start: number, to: number, loc: (o: number) => SourceLoc, quote = '"'): CTok {
  let i = start + 1;
  let value = '';
  const offs: number[] = [];
  for (;;) {
    if (i >= to || text[i] === '\n') throw new SourceError(loc(start), quote === '"' ? 'unterminated string literal' : 'unterminated character constant');
    const ch = text[i];
    if (ch === quote) {
      i++;
      break;
    }
    if (ch === '\\') {
      const e = text[i + 1] ?? '';
      if (e === '\n') {
        i += 2;
        continue;
      }
      let m: RegExpExecArray | null;
      if (ESCAPES[e] !== undefined) {
        value += ESCAPES[e];
        offs.push(i);
        i += 2;
      } else if ((m = /^x[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1, i + 4)))) {
        value += String.fromCharCode(parseInt(m[0].slice(1), 16));
        offs.push(i);
        i += 1 + m[0].length;
      } else if ((m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4)))) {
        value += String.fromCharCode(parseInt(m[0], 8));
        offs.push(i);
        i += 1 + m[0].length;
      } else throw new SourceError(loc(i), `unknown escape sequence '\\${e}' in string`);
      continue;
    }
    value += ch;
    offs.push(i);
    i++;
  }
  return { kind: 'str', text: text.slice(start, i), start, end: i, value, offs };
}

/** One preprocessor line: #define and conditionals are obeyed; #include and the rest are skipped. */
function directive(text: string, start: number, to: number, loc: (o: number) => SourceLoc, defines: Map<string, CDefine>, cond: CondState): number {
  let e = start;
  while (e < to && text[e] !== '\n') {
    if (text[e] === '\\' && text[e + 1] === '\n') e += 2;
    else if (text[e] === '/' && text[e + 1] === '*') {
      const c = text.indexOf('*/', e + 2);
      e = c < 0 ? to : c + 2;
    } else e++;
  }
  const m = /^#\s*([A-Za-z_]+)/.exec(text.slice(start, e));
  const kw = m?.[1] ?? '';
  const rest = (): CTok[] => lexRange(text, start + (m?.[0].length ?? 1), e, loc, defines, null);
  const top = cond.stack[cond.stack.length - 1];
  switch (kw) {
    case 'if':
    case 'ifdef':
    case 'ifndef': {
      const parentLive = cond.live;
      let v = false;
      if (parentLive) {
        const r = rest();
        v = kw === 'if' ? cond.evalCond(replaceDefined(r, defines), defines, start) : defines.has(r[0]?.text ?? '') === (kw === 'ifdef');
      }
      cond.stack.push({ parentLive, taken: v });
      cond.live = parentLive && v;
      return e;
    }
    case 'elif':
    case 'else': {
      if (!top) throw new SourceError(loc(start), `#${kw} without #if`);
      const v = !top.taken && top.parentLive && (kw === 'else' || cond.evalCond(replaceDefined(rest(), defines), defines, start));
      cond.live = v;
      top.taken ||= v;
      return e;
    }
    case 'endif':
      if (!top) throw new SourceError(loc(start), '#endif without #if');
      cond.stack.pop();
      cond.live = top.parentLive;
      return e;
  }
  if (!cond.live) return e;
  if (kw === 'define') {
    const toks = rest();
    const name = toks[0];
    if (!name || name.kind !== 'ident') throw new SourceError(loc(start), '#define needs a macro name');
    let params: string[] | null = null;
    let body = toks.slice(1);
    // `#define F(x)`: a parameter list only when '(' follows the name with no space
    if (body[0] && body[0].text === '(' && body[0].start === name.end) {
      const close = body.findIndex((t) => t.text === ')');
      if (close < 0) throw new SourceError(loc(body[0].start), 'unterminated macro parameter list');
      params = body.slice(1, close).filter((t) => t.text !== ',').map((t) => t.text);
      body = body.slice(close + 1);
    }
    defines.set(name.text, { name: name.text, params, body, start });
  } else if (kw === 'undef') {
    const n = rest()[0];
    if (n) defines.delete(n.text);
  }
  return e;
}

/** `defined(X)` and `defined X` in a condition become 1 or 0 before macros are expanded. */
function replaceDefined(toks: CTok[], defines: Map<string, CDefine>): CTok[] {
  const out: CTok[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind !== 'ident' || t.text !== 'defined') {
      out.push(t);
      continue;
    }
    const paren = toks[k + 1]?.text === '(';
    const name = toks[k + (paren ? 2 : 1)];
    const v = name !== undefined && defines.has(name.text) ? 1n : 0n;
    out.push({ kind: 'num', text: String(v), start: t.start, end: name?.end ?? t.end, num: v });
    k += paren ? 3 : 1;
  }
  return out;
}

/** Index of the token closing the bracket opened at `open`. */
export function matchClose(toks: CTok[], open: number, loc: (o: number) => SourceLoc): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < toks.length; i++) {
    const t = toks[i].text;
    if (toks[i].kind !== 'punct') continue;
    if (pairs[t]) stack.push(pairs[t]);
    else if (t === ')' || t === ']' || t === '}') {
      if (stack.pop() !== t) throw new SourceError(loc(toks[i].start), `unbalanced '${t}'`);
      if (stack.length === 0) return i;
    }
  }
  throw new SourceError(loc(toks[open].start), `'${toks[open].text}' is never closed`);
}

/** Split `toks[from..to)` on top-level commas. */
export function splitArgs(toks: CTok[], from: number, to: number, loc: (o: number) => SourceLoc): CTok[][] {
  const out: CTok[][] = [];
  let cur: CTok[] = [];
  for (let i = from; i < to; i++) {
    const t = toks[i];
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      const c = matchClose(toks, i, loc);
      cur.push(...toks.slice(i, c + 1));
      i = c;
      continue;
    }
    if (t.kind === 'punct' && t.text === ',') {
      out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length || out.length) out.push(cur);
  return out;
}
