// One fuzzed program through both back ends, and what kind of (dis)agreement came out.
import { parseAsm } from '../asm/parse.ts';
import { SourceError } from '../asm/errors.ts';
import { asmOptions } from '../spec/resolve.ts';
import { hostModelOptions } from '../spec/host.ts';
import { verifyProgram, type VerifyOptions } from '../model/verify.ts';
import { ModelLimit } from '../model/exec/call.ts';
import { runOnKernel } from '../kernel/from-ir.ts';
import type { Program } from '../ir/program.ts';

export type Side = { verdict: 'accept' | 'reject'; error: string | null } | { verdict: 'unsupported' | 'refused' | 'crash' | 'invalid'; error: string };

/**
 * agree: same verdict and, on reject, the same reason line.
 * model-accepts: the model accepts what the kernel rejects (the worst kind: a spec that
 * promises a program loads when it does not).
 * model-rejects: the model rejects what the kernel accepts.
 * message: both reject, with different reason lines.
 * kernel-bug: the kernel stopped with an internal `verifier bug: ...` error (EFAULT), which is a
 * defect of that kernel, not a verdict the model can follow; reported with its reproducer.
 * not-modelled / kernel-refused / model-crash / invalid: the comparison could not be made.
 */
export type Class = 'agree' | 'model-accepts' | 'model-rejects' | 'message' | 'kernel-bug' | 'not-modelled' | 'kernel-refused' | 'model-crash' | 'invalid';

export const CLASSES: Class[] = ['agree', 'model-accepts', 'model-rejects', 'message', 'kernel-bug', 'not-modelled', 'kernel-refused', 'model-crash', 'invalid'];

export interface Comparison {
  cls: Class;
  model: Side;
  kernel: Side | null;
}

export function parseOne(text: string, file: string): Program {
  const pf = parseAsm(text, file, asmOptions());
  const p = pf.programs[0];
  if (pf.programs.length !== 1 || !p) throw new Error(`${file}: expected exactly one program`);
  return p.program;
}

/** Model options a fuzz run overrides (tests plant a wrong machine fact to prove disagreements surface). */
export type ModelOverrides = Pick<VerifyOptions, 'nrCpuIds' | 'profile' | 'insnLimit'>;

export function runModelSide(prog: Program, overrides: ModelOverrides = {}): Side {
  try {
    const r = verifyProgram(prog, { ...hostModelOptions(), ...overrides, logLevel: 1 });
    return { verdict: r.verdict, error: r.error };
  } catch (e) {
    if (e instanceof ModelLimit) return { verdict: 'unsupported', error: e.message };
    return { verdict: 'crash', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export function runKernelSide(prog: Program): Side {
  const r = runOnKernel(prog, 1);
  if (r.kind === 'refused') return { verdict: 'refused', error: r.reason };
  return { verdict: r.verdict, error: r.error };
}

export function compareText(text: string, file: string, withKernel: boolean, overrides: ModelOverrides = {}): Comparison {
  let prog: Program;
  try {
    prog = parseOne(text, file);
  } catch (e) {
    const msg = e instanceof SourceError ? e.format() : e instanceof Error ? e.message : String(e);
    return { cls: 'invalid', model: { verdict: 'invalid', error: msg }, kernel: null };
  }
  const model = runModelSide(prog, overrides);
  const kernel = withKernel ? runKernelSide(prog) : null;
  return { cls: classify(model, kernel), model, kernel };
}

export function classify(model: Side, kernel: Side | null): Class {
  if (model.verdict === 'invalid') return 'invalid';
  if (model.verdict === 'crash') return 'model-crash';
  if (model.verdict === 'unsupported') return 'not-modelled';
  if (kernel === null) return 'agree';
  if (kernel.verdict === 'refused' || kernel.verdict === 'crash' || kernel.verdict === 'unsupported' || kernel.verdict === 'invalid') return 'kernel-refused';
  if (kernel.verdict === 'reject' && kernel.error?.startsWith('verifier bug')) return 'kernel-bug';
  if (model.verdict === 'accept') return kernel.verdict === 'accept' ? 'agree' : 'model-accepts';
  if (kernel.verdict === 'accept') return 'model-rejects';
  return model.error === kernel.error ? 'agree' : 'message';
}

/** Two comparisons show the same problem when class and both reason lines match. */
export const sameProblem = (a: Comparison, b: Comparison): boolean =>
  a.cls === b.cls && a.kernel?.error === b.kernel?.error && (a.cls === 'model-crash' || a.cls === 'message' ? a.model.error === b.model.error : true);
