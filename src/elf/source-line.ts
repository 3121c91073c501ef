// The C source line of the instruction a verifier log stopped at, for programs whose front end
// recorded source text per slot (ELF objects with BTF line info: Example.sourceLines).
import { fmtLoc } from '../asm/errors.ts';
import type { Example } from '../spec/example.ts';

/** The slot of the last instruction the log printed (`N: (xx) ...`), which is where it failed. */
export function lastLoggedInsn(log: string): number | null {
  let last: number | null = null;
  for (const m of log.matchAll(/^(\d+): \([0-9a-f]{2}\)/gm)) last = Number(m[1]);
  return last;
}

/** `file:line:col: text` of the failing slot, or null when unknown. */
export function failingSourceLine(ex: Example, log: string): string | null {
  const lines = ex.sourceLines;
  if (!lines) return null;
  const insn = lastLoggedInsn(log);
  if (insn === null || insn >= ex.program.srcLocs.length) return null;
  const text = lines[insn];
  return `${fmtLoc(ex.program.srcLocs[insn])}${text ? `: ${text.trim()}` : ''}`;
}
