// A cursor over tokens with the small helpers both parsers (C preamble, instructions) use.
import { SourceError, type SourceLoc } from './errors.ts';
import type { Token } from './lexer.ts';

export class Cursor {
  readonly toks: Token[];
  pos = 0;
  constructor(toks: Token[]) {
    this.toks = toks;
  }
  peek(n = 0): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)];
  }
  next(): Token {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }
  at(text: string, n = 0): boolean {
    const t = this.peek(n);
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  atKind(kind: Token['kind'], n = 0): boolean {
    return this.peek(n).kind === kind;
  }
  eat(text: string): boolean {
    if (this.at(text)) {
      this.next();
      return true;
    }
    return false;
  }
  expect(text: string, what?: string): Token {
    const t = this.peek();
    if (!this.at(text)) throw this.error(t.loc, `expected '${text}'${what ? ` ${what}` : ''} but found ${describe(t)}`);
    return this.next();
  }
  expectIdent(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.error(t.loc, `expected ${what} but found ${describe(t)}`);
    return this.next();
  }
  expectString(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'str') throw this.error(t.loc, `expected ${what} (a string literal) but found ${describe(t)}`);
    return this.next();
  }
  /** An integer literal with optional unary minus; returns its value. */
  expectInt(what: string): { value: bigint; loc: SourceLoc } {
    const t = this.peek();
    let neg = false;
    if (this.at('-')) {
      neg = true;
      this.next();
    } else if (this.at('+')) {
      this.next();
    }
    const n = this.peek();
    if (n.kind !== 'num' || n.num === undefined) throw this.error(n.loc, `expected ${what} but found ${describe(n)}`);
    this.next();
    return { value: neg ? -n.num : n.num, loc: t.loc };
  }
  skipNewlines(): void {
    while (this.atKind('nl')) this.next();
  }
  error(loc: SourceLoc, msg: string): SourceError {
    return new SourceError(loc, msg);
  }
}

export function describe(t: Token): string {
  switch (t.kind) {
    case 'nl':
      return 'end of line';
    case 'eof':
      return 'end of file';
    case 'str':
      return `string "${t.str ?? ''}"`;
    default:
      return `'${t.text}'`;
  }
}
