// What the playground does with the editor's text: assemble it and run every program through the
// verifier model, the way `bpfspec check` runs an example (same assembler options, same profile
// choice, same documented-outcome comparison), but for text that may carry no annotations at all.
//
// Pure and synchronous: the Web Worker (worker.ts) calls it in the browser, the unit tests in
// Node. Nothing here touches the DOM; results are plain data the page shows as text.

import { parseAsm, type ParsedProgram } from '../../asm/parse.ts';
import { SourceError } from '../../asm/errors.ts';
import { asmOptions } from '../../spec/resolve.ts';
import { compare, exampleProfile, toExample, type Example } from '../../spec/example.ts';
import { verifyProgram, ModelLimit, type VerifyResult } from '../../model/verify.ts';
import { DEFAULT_PROFILE, isProfileName, type ProfileName } from '../../model/profile.ts';
import { traceProgram } from '../../model/trace/run.ts';
import type { ModelTrace } from '../../model/trace/types.ts';

/** File name the playground's text is assembled under (shown in file:line:col errors). */
export const PLAYGROUND_FILE = 'playground.s';

/** Log lines kept at each end of a long log; the middle is dropped (a 1M-insn level-2 log is huge). */
export const LOG_HEAD_LINES = 200;
export const LOG_TAIL_LINES = 3000;

export interface RunRequest {
  text: string;
  /** Kernel log level for the log view (1, 2; 4 adds stats). */
  logLevel: number;
  /** nr_cpu_ids of the machine the site's results describe (see hostModelOptions). */
  nrCpuIds?: number;
}

export interface DocumentedCheck {
  verdict: 'accept' | 'reject';
  msgs: string[];
  notMsgs: string[];
  /** Why the actual outcome does not meet the documented one; empty when it does. */
  problems: string[];
  /** Log level the messages were matched at (the example's __log_level). */
  logLevel: number;
}

export interface ProgramRun {
  name: string;
  section: string;
  line: number;
  profile: ProfileName;
  verdict: 'accept' | 'reject' | 'unsupported';
  /** Reason line of a rejection, or why the model cannot run the program. */
  error: string | null;
  ruleId: string | null;
  insnProcessed: number;
  log: string;
  /** Lines dropped from the middle of the log, 0 when it is whole. */
  logOmittedLines: number;
  timeMs: number;
  /** The program's __success/__failure/__msg annotations checked against this run; null without them. */
  documented: DocumentedCheck | null;
  /** The live trace (bounded like the site's), without its log; null when the model cannot run it. */
  trace: Omit<ModelTrace, 'log'> | null;
}

export type RunResult =
  | { kind: 'programs'; programs: ProgramRun[] }
  | { kind: 'source-error'; message: string; file: string; line: number; col: number; formatted: string };

/** Keep the first `head` and last `tail` lines of a log. */
export function clipLog(log: string, head = LOG_HEAD_LINES, tail = LOG_TAIL_LINES): { text: string; omitted: number } {
  const lines = log.split('\n');
  if (lines.length <= head + tail) return { text: log, omitted: 0 };
  const omitted = lines.length - head - tail;
  return { text: [...lines.slice(0, head), `... ${omitted} lines not shown ...`, ...lines.slice(lines.length - tail)].join('\n'), omitted };
}

/** The trace without its log (the page shows the run's own log). */
function withoutLog(t: ModelTrace): Omit<ModelTrace, 'log'> {
  const { log, ...rest } = t;
  void log;
  return rest;
}

const hasVerdictAnnotation = (pp: ParsedProgram): boolean => pp.annotations.some((a) => a.name === '__success' || a.name === '__failure');

/** The profile a program runs under: its single __profile, like `bpfspec check`; the default otherwise. */
function profileOf(pp: ParsedProgram, ex: Example | null): ProfileName {
  if (ex) return exampleProfile(ex) ?? DEFAULT_PROFILE;
  const named = pp.annotations
    .filter((a) => a.name === '__profile')
    .flatMap((a) => a.args.flatMap((arg) => (arg.kind === 'str' && isProfileName(arg.value) ? [arg.value] : [])));
  return named.length === 1 ? (named[0] ?? DEFAULT_PROFILE) : DEFAULT_PROFILE;
}

function documentedCheck(ex: Example, verdict: 'accept' | 'reject' | 'unsupported', log: string): DocumentedCheck {
  const exp = ex.expected;
  const problems: string[] = [];
  if (exp.verdict === null) throw new Error('an annotated program always documents a verdict');
  if (verdict === 'unsupported') problems.push('the model cannot run this program');
  else problems.push(...compare(ex, { verdict, log }));
  return { verdict: exp.verdict, msgs: exp.msgs, notMsgs: exp.notMsgs, problems, logLevel: exp.logLevel };
}

function runOne(pp: ParsedProgram, text: string, req: RunRequest): ProgramRun {
  const ex = hasVerdictAnnotation(pp) ? toExample(pp, PLAYGROUND_FILE, text, null) : null;
  const profile = profileOf(pp, ex);
  const base = { profile, ...(req.nrCpuIds !== undefined ? { nrCpuIds: req.nrCpuIds } : {}) };
  const t0 = performance.now();
  let r: VerifyResult;
  try {
    r = verifyProgram(pp.program, { ...base, logLevel: req.logLevel });
  } catch (e) {
    if (!(e instanceof ModelLimit)) throw e;
    return {
      name: pp.program.name, section: pp.program.section, line: pp.program.loc.line, profile, verdict: 'unsupported',
      error: `not modelled: ${e.message}`, ruleId: null, insnProcessed: 0, log: '', logOmittedLines: 0,
      timeMs: performance.now() - t0, documented: ex ? documentedCheck(ex, 'unsupported', '') : null, trace: null,
    };
  }
  let documented: DocumentedCheck | null = null;
  if (ex) {
    // __msg is matched against the log at the example's own level, as the checker does.
    const log = ex.expected.logLevel === req.logLevel ? r.log : verifyProgram(pp.program, { ...base, logLevel: ex.expected.logLevel }).log;
    documented = documentedCheck(ex, r.verdict, log);
  }
  const clipped = clipLog(r.log);
  // the trace re-runs the program with recording on, bounded like the site's traces
  const trace = withoutLog(traceProgram(pp.program, base, { verdict: r.verdict, error: r.error, ruleId: r.ruleId, insnProcessed: r.insnProcessed, log: r.log, logLevel: req.logLevel }));
  return {
    name: pp.program.name, section: pp.program.section, line: pp.program.loc.line, profile, verdict: r.verdict, error: r.error,
    ruleId: r.ruleId, insnProcessed: r.insnProcessed, log: clipped.text, logOmittedLines: clipped.omitted,
    timeMs: performance.now() - t0, documented, trace,
  };
}

/** Assemble `req.text` and verify each of its programs. Assembler errors come back with file:line:col. */
export function runPlayground(req: RunRequest): RunResult {
  try {
    const parsed = parseAsm(req.text, PLAYGROUND_FILE, asmOptions());
    return { kind: 'programs', programs: parsed.programs.map((pp) => runOne(pp, req.text, req)) };
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    return { kind: 'source-error', message: e.message, file: e.loc.file, line: e.loc.line, col: e.loc.col, formatted: e.format() };
  }
}
