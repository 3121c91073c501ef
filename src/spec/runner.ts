// Running examples: the model always, the kernel when asked and able; then comparing each
// outcome with the documented one.
import type { Example } from './example.ts';
import { matchMsgs, msgRegex } from './example.ts';
import { hostModelOptions } from './host.ts';
import { verifyProgram, type VerifyResult } from '../model/verify.ts';
import { ModelLimit } from '../model/exec/call.ts';

export interface Outcome {
  verdict: 'accept' | 'reject' | 'unsupported';
  error: string | null;
  insnProcessed: number;
  log: string;
  ruleId: string | null;
  timeUs: number;
}

export interface Checked {
  example: Example;
  actual: Outcome;
  agrees: boolean;
  /** Why it disagrees, in one sentence. */
  problems: string[];
  result: VerifyResult | null;
}

export function runModel(ex: Example, logLevel?: number): { outcome: Outcome; result: VerifyResult | null } {
  try {
    // An example documenting one kernel's behaviour (`__profile("bpf-next")`) runs under that profile;
    // the default covers both and runs as this machine's kernel (v6.18).
    const profile = ex.profiles.length === 1 ? ex.profiles[0] : undefined;
    const r = verifyProgram(ex.program, { ...hostModelOptions(), ...(profile ? { profile } : {}), logLevel: logLevel ?? ex.expected.logLevel, trace: false });
    return { outcome: { verdict: r.verdict, error: r.error, insnProcessed: r.insnProcessed, log: r.log, ruleId: r.ruleId, timeUs: r.timeUs }, result: r };
  } catch (e) {
    if (e instanceof ModelLimit) {
      return { outcome: { verdict: 'unsupported', error: `not modelled: ${e.message}`, insnProcessed: 0, log: '', ruleId: null, timeUs: 0 }, result: null };
    }
    throw e;
  }
}

/** Does an outcome meet the example's expectation? Returns the reasons it does not. */
export function compare(ex: Example, out: { verdict: string; log: string }): string[] {
  const problems: string[] = [];
  if (ex.expected.verdict !== null && out.verdict !== ex.expected.verdict) problems.push(`expected ${ex.expected.verdict}, got ${out.verdict}`);
  const m = matchMsgs(out.log, ex.expected.msgs);
  if (!m.ok) problems.push(`log does not contain (in order) "${m.missing}"`);
  for (const nm of ex.expected.notMsgs) {
    if (msgRegex(nm).test(out.log)) problems.push(`log contains "${nm}" (__not_msg)`);
  }
  return problems;
}

export function checkExample(ex: Example): Checked {
  const { outcome, result } = runModel(ex);
  const problems = outcome.verdict === 'unsupported' ? [outcome.error ?? 'not modelled'] : compare(ex, outcome);
  return { example: ex, actual: outcome, agrees: problems.length === 0, problems, result };
}
