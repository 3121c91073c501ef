// Errors in program text: every one carries file:line:col and a sentence a person can act on.

export interface SourceLoc {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

export class SourceError extends Error {
  readonly loc: SourceLoc;
  constructor(loc: SourceLoc, message: string) {
    super(message);
    this.loc = loc;
    this.name = 'SourceError';
  }
  /** `file:line:col: error: message`, the form compilers print. */
  format(): string {
    return `${this.loc.file}:${this.loc.line}:${this.loc.col}: error: ${this.message}`;
  }
}

export const fmtLoc = (l: SourceLoc): string => `${l.file}:${l.line}:${l.col}`;
