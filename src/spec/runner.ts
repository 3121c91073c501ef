// Running examples: the model always, the kernel when asked and able; then comparing each
// outcome with the documented one.
import type { Example } from './example.ts';
import { compare, exampleProfile } from './example.ts';
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
    const profile = exampleProfile(ex);
    const r = verifyProgram(ex.program, { ...hostModelOptions(), ...(profile ? { profile } : {}), logLevel: logLevel ?? ex.expected.logLevel, trace: false });
    return { outcome: { verdict: r.verdict, error: r.error, insnProcessed: r.insnProcessed, log: r.log, ruleId: r.ruleId, timeUs: r.timeUs }, result: r };
  } catch (e) {
    if (e instanceof ModelLimit) {
      return { outcome: { verdict: 'unsupported', error: `not modelled: ${e.message}`, insnProcessed: 0, log: '', ruleId: null, timeUs: 0 }, result: null };
    }
    throw e;
  }
}

export { compare };

export function checkExample(ex: Example): Checked {
  const { outcome, result } = runModel(ex);
  const problems = outcome.verdict === 'unsupported' ? [outcome.error ?? 'not modelled'] : compare(ex, outcome);
  return { example: ex, actual: outcome, agrees: problems.length === 0, problems, result };
}
