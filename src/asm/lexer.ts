// Tokens of the BPF assembly + C preamble language. Newlines are tokens because assembly is
// line-oriented; the C preamble parser skips them.
import { SourceError, type SourceLoc } from './errors.ts';

export type TokKind = 'ident' | 'num' | 'str' | 'punct' | 'nl' | 'eof';

export interface Token {
  kind: TokKind;
  text: string;
  /** For 'num': the value; for 'str': the unescaped string. */
  num?: bigint;
  str?: string;
  loc: SourceLoc;
  /** Byte offset in the source where the token starts and ends. */
  start: number;
  end: number;
  /** True when whitespace (not a newline) precedes the token on its line. */
  spaceBefore: boolean;
}

// Longest first so the lexer is greedy.
const PUNCTS = [
  's>>=', '<<=', '>>=', 's/=', 's%=', 's>=', 's<=',
  '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '==', '!=', '>=', '<=', 's>', 's<', '->', '##',
  '(', ')', '{', '}', '[', ']', ';', ',', ':', '*', '+', '-', '=', '>', '<', '&', '|', '^', '~', '!', '.', '?', '/', '%', '#',
];

const isIdStart = (c: string): boolean => /[A-Za-z_$]/.test(c);
const isId = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);

/** `locAt`, when given, places each offset of `text` in another file (asm strings inside a C file). */
export function lex(text: string, file: string, lineBase = 1, colBase = 1, locAt?: (offset: number) => SourceLoc): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let line = lineBase;
  let lineStart = 0;
  let firstLine = true;
  let spaceBefore = false;
  const loc = (at: number): SourceLoc => (locAt ? locAt(at) : { file, line, col: at - lineStart + (firstLine ? colBase : 1) });
  const push = (kind: TokKind, start: number, end: number, extra: Partial<Token> = {}): void => {
    toks.push({ kind, text: text.slice(start, end), loc: loc(start), start, end, spaceBefore, ...extra });
    spaceBefore = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      push('nl', i, i + 1);
      i++;
      line++;
      lineStart = i;
      firstLine = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      spaceBefore = true;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      // Line continuation (selftest macros): not a newline token.
      i += 2;
      line++;
      lineStart = i;
      firstLine = false;
      spaceBefore = true;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const startLoc = loc(i);
      const endAt = text.indexOf('*/', i + 2);
      if (endAt < 0) throw new SourceError(startLoc, 'unterminated /* comment');
      for (let j = i; j < endAt; j++) {
        if (text[j] === '\n') {
          line++;
          lineStart = j + 1;
          firstLine = false;
        }
      }
      i = endAt + 2;
      spaceBefore = true;
      continue;
    }
    if (c === '"') {
      const start = i;
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') throw new SourceError(loc(start), 'unterminated string literal');
        const ch = text[i];
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = text[i + 1];
          const map: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'", '0': '\0', r: '\r' };
          if (e === undefined || map[e] === undefined) throw new SourceError(loc(i), `unknown escape sequence '\\${e ?? ''}' in string`);
          s += map[e];
          i += 2;
          continue;
        }
        s += ch;
        i++;
      }
      push('str', start, i, { str: s });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const start = i;
      let v: bigint;
      if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
        i += 2;
        const ds = i;
        while (i < text.length && /[0-9a-fA-F]/.test(text[i])) i++;
        if (i === ds) throw new SourceError(loc(start), 'hexadecimal number has no digits');
        v = BigInt('0x' + text.slice(ds, i));
      } else {
        while (i < text.length && /[0-9]/.test(text[i])) i++;
        v = BigInt(text.slice(start, i));
      }
      // C integer suffixes (u, l, ul, ull, ...) are accepted and ignored, but `ll` after a space is the ld_imm64 marker.
      while (i < text.length && /[uUlL]/.test(text[i])) i++;
      if (i < text.length && isId(text[i])) throw new SourceError(loc(start), `malformed number '${text.slice(start, i + 1)}'`);
      push('num', start, i, { num: v });
      continue;
    }
    if (c === 's' && /[<>/%]/.test(text[i + 1] ?? '') && !isId(text[i - 1] ?? ' ')) {
      // signed operators s>, s>=, s<, s<=, s>>=, s/=, s%=
      const p = PUNCTS.find((q) => q.startsWith('s') && text.startsWith(q, i));
      if (p) {
        push('punct', i, i + p.length);
        i += p.length;
        continue;
      }
    }
    if (c === '.' && /[A-Za-z0-9_]/.test(text[i + 1] ?? '') && (toks.length === 0 || toks[toks.length - 1].kind === 'nl' || toks[toks.length - 1].text === ':' || toks[toks.length - 1].text === ';')) {
      // an assembler directive at the start of a line or statement (.8byte)
      const start = i;
      i++;
      while (i < text.length && isId(text[i])) i++;
      push('ident', start, i);
      continue;
    }
    if (isIdStart(c)) {
      const start = i;
      while (i < text.length && isId(text[i])) i++;
      push('ident', start, i);
      continue;
    }
    const p = PUNCTS.find((q) => text.startsWith(q, i));
    if (p) {
      push('punct', i, i + p.length);
      i += p.length;
      continue;
    }
    throw new SourceError(loc(i), `unexpected character '${c}'`);
  }
  push('nl', i, i);
  push('eof', i, i);
  return toks;
}
