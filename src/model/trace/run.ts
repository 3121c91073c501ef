// A traced verification for the site: the program runs once more through the model with the
// recorder on and a level-2 log (whatever level the example itself is checked at), bounded so a
// program that explores a million instructions costs no more than the bound.
import type { Program } from '../../ir/program.ts';
import type { SourceLoc } from '../../asm/errors.ts';
import { verifyProgram, type VerifyOptions } from '../verify.ts';
import { ModelBug } from '../errors.ts';
import { DEFAULT_TRACE_LIMIT, MAX_TRACE_PATH } from './recorder.ts';
import type { ModelTrace } from './types.ts';

/** What the example's own (untraced) run found: the trace must tell the same story. */
export interface KnownOutcome {
  verdict: 'accept' | 'reject';
  error: string | null;
  ruleId: string | null;
  insnProcessed: number;
  /** That run's log and its level. */
  log: string;
  logLevel: number;
}

/**
 * The failing path from a level-1 log: at level 1 the kernel keeps only the path that failed
 * (the log is rewound whenever a path ends), so its instruction lines are that path in order.
 */
export function pathFromLevel1Log(log: string): number[] {
  const out: number[] = [];
  for (const line of log.split('\n')) {
    const m = /^(\d+): \(/.exec(line);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

/**
 * The live trace of `prog`. With `known` (the outcome of the example's own run), a program that
 * processes more than `limit` instructions is explored only up to the bound (insnLimit): the
 * recorded steps are the same first steps, and the verdict, error and failing path come from
 * the full run.
 */
export function traceProgram(prog: Program, opts: VerifyOptions, known?: KnownOutcome, limit = DEFAULT_TRACE_LIMIT): ModelTrace {
  const bounded = known !== undefined && known.insnProcessed > limit;
  const r = verifyProgram(prog, { ...opts, logLevel: 2, trace: true, traceLimit: limit + 1, ...(bounded ? { insnLimit: limit } : {}) });
  const t = r.trace;
  if (!t) throw new ModelBug('verifyProgram returned no trace although one was requested');
  if (!bounded) {
    if (known && (known.verdict !== t.verdict || known.insnProcessed !== t.insnProcessed || known.ruleId !== (t.error?.rule ?? null))) {
      throw new ModelBug(`the traced run differs from the checked one: ${t.verdict}/${t.insnProcessed}/${t.error?.rule ?? '-'} vs ${known.verdict}/${known.insnProcessed}/${known.ruleId ?? '-'}`);
    }
    return t;
  }
  // The bounded run stopped at the bound with a "too large" rejection of its own: drop that step.
  const steps = t.steps.length > 0 && t.steps[t.steps.length - 1].kind === 'error' ? t.steps.slice(0, -1) : t.steps;
  let last = -1;
  for (const s of steps) last = Math.max(last, s.logLine);
  const log = last < 0 ? '' : t.log.split('\n').slice(0, last + 1).join('\n') + '\n';
  // only a level-1 log is the failing path alone
  const path = known.verdict === 'reject' && (known.logLevel & 2) === 0 ? pathFromLevel1Log(known.log) : [];
  return {
    ...t, steps, log, truncated: true, verdict: known.verdict, insnProcessed: known.insnProcessed,
    error: known.verdict === 'reject'
      ? {
          rule: known.ruleId, message: known.error ?? '', insn: path.length ? path[path.length - 1] : null, step: null,
          path: path.slice(-MAX_TRACE_PATH), pathSteps: [], pathTruncated: path.length > MAX_TRACE_PATH,
        }
      : null,
  };
}

/**
 * Fill in each listed instruction's line in the example's source text: `firstLine` is the file line
 * the source text starts at, `lineCount` its number of lines.
 */
export function withSourceLines(t: ModelTrace, srcLocs: readonly SourceLoc[], file: string, firstLine: number, lineCount: number): ModelTrace {
  const insns = t.insns.map((x) => {
    const loc = srcLocs[x.idx];
    const line = loc && loc.file === file ? loc.line - firstLine + 1 : 0;
    return { ...x, line: line >= 1 && line <= lineCount ? line : null };
  });
  return { ...t, insns };
}

/**
 * The file line `source` starts at inside `fileText` (the occurrence nearest before `nearLine`,
 * the line the example's program was found at), or null when the text is not in the file.
 */
export function sourceStartLine(fileText: string, source: string, nearLine: number): number | null {
  if (source === '') return null;
  let best: number | null = null;
  for (let at = fileText.indexOf(source); at >= 0; at = fileText.indexOf(source, at + 1)) {
    let line = 1;
    for (let i = fileText.indexOf('\n'); i >= 0 && i < at; i = fileText.indexOf('\n', i + 1)) line++;
    if (line > nearLine) break;
    best = line;
  }
  return best;
}
