// `bpfspec fuzz`: random programs through the model and (with --kernel) the running kernel;
// every disagreement comes back minimised and written as a ready-to-paste example whose
// annotations record what the kernel did (the kernel is the ground truth).
import { CLASSES, compareText, sameProblem, type Class, type Comparison, type ModelOverrides } from './compare.ts';
import { generateProgram, render, type Feature, type GeneratedProgram } from './grammar.ts';
import { minimize } from './minimize.ts';

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Stop starting new programs after this many milliseconds. */
  timeLimitMs: number;
  kernel: boolean;
  features: readonly Feature[];
  maxStatements: number;
  /** Minimise and report at most this many distinct problems. */
  maxReports: number;
  /** Generate only this program index (reproducing one report). */
  only?: number;
  onProgress?: (done: number, counts: Record<Class, number>) => void;
  model?: ModelOverrides;
}

export interface Disagreement {
  index: number;
  cls: Class;
  comparison: Comparison;
  /** Minimised program as a bpfspec example file. */
  example: string;
  /** How many programs showed the same problem. */
  occurrences: number;
  linesBefore: number;
  linesAfter: number;
}

export interface FuzzReport {
  seed: number;
  programs: number;
  elapsedMs: number;
  counts: Record<Class, number>;
  modelVerdicts: { accept: number; reject: number };
  kernelVerdicts: { accept: number; reject: number } | null;
  disagreements: Disagreement[];
  /** Distinct problems beyond maxReports (counted, not minimised). */
  unreported: number;
}

/** Far above anything the grammar's bounded loops need, far below the 1M that costs seconds. */
const MINIMISE_INSN_LIMIT = 100_000;

const PROBLEMS: Class[] = ['model-accepts', 'model-rejects', 'message', 'model-crash', 'kernel-bug'];

/** Problems of the model (kernel bugs are reported too, but are not the model's to fix). */
export const isModelProblem = (c: Class): boolean => PROBLEMS.includes(c) && c !== 'kernel-bug';

const isProblem = (c: Class): boolean => PROBLEMS.includes(c);

export function exampleName(seed: number, index: number): string {
  return `fuzz_${seed}_${index}`;
}

function header(p: GeneratedProgram, seed: number, index: number, c: Comparison): string {
  const k = c.kernel;
  const outcome = k && (k.verdict === 'accept' || k.verdict === 'reject') ? k : c.model;
  const ann = outcome.verdict === 'accept' ? '__success' : `__failure${outcome.error ? ` __msg(${JSON.stringify(outcome.error)})` : ''}`;
  const said = `model: ${c.model.verdict}${c.model.error ? ` (${c.model.error})` : ''}`;
  return `SEC("${p.section}") __description(${JSON.stringify(`bpfspec fuzz --seed ${seed} --index ${index}; ${said}`)})\n${ann}`;
}

/** Shrink one disagreement and write it as an example that documents the kernel's outcome. */
export function minimiseDisagreement(prog: GeneratedProgram, seed: number, index: number, found: Comparison, occurrences: number, o: Pick<FuzzOptions, 'kernel' | 'model'>): Disagreement {
  const name = exampleName(seed, index);
  const run = (q: GeneratedProgram, model = o.model): Comparison => compareText(render(q, name, `SEC("${q.section}")`), `${name}.s`, o.kernel, model);
  // Deleting a loop's increment makes an endless loop: cap the model's exploration while
  // shrinking (such a candidate then simply does not show the same problem), not for the result.
  const small = minimize(prog, (q) => sameProblem(run(q, { ...o.model, insnLimit: MINIMISE_INSN_LIMIT }), found));
  const cmp = run(small);
  return {
    index, cls: found.cls, comparison: cmp, occurrences,
    example: render(small, name, header(small, seed, index, cmp)),
    linesBefore: prog.lines.length + prog.sub.length, linesAfter: small.lines.length + small.sub.length,
  };
}

export function runFuzz(o: FuzzOptions): FuzzReport {
  const counts = Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<Class, number>;
  const modelVerdicts = { accept: 0, reject: 0 };
  const kernelVerdicts = o.kernel ? { accept: 0, reject: 0 } : null;
  const found: { index: number; prog: GeneratedProgram; cmp: Comparison; occurrences: number }[] = [];
  let unreported = 0;
  const t0 = performance.now();
  let programs = 0;
  const first = o.only ?? 0;
  const last = o.only !== undefined ? o.only + 1 : o.count;
  for (let i = first; i < last; i++) {
    if (performance.now() - t0 > o.timeLimitMs) break;
    const prog = generateProgram(o.seed, i, { features: o.features, maxStatements: o.maxStatements });
    const name = exampleName(o.seed, i);
    const cmp = compareText(render(prog, name, `SEC("${prog.section}")`), `${name}.s`, o.kernel, o.model);
    programs++;
    counts[cmp.cls]++;
    if (cmp.model.verdict === 'accept' || cmp.model.verdict === 'reject') modelVerdicts[cmp.model.verdict]++;
    if (kernelVerdicts && cmp.kernel && (cmp.kernel.verdict === 'accept' || cmp.kernel.verdict === 'reject')) kernelVerdicts[cmp.kernel.verdict]++;
    if (isProblem(cmp.cls)) {
      const same = found.find((f) => sameProblem(f.cmp, cmp));
      if (same) same.occurrences++;
      else if (found.length < o.maxReports) found.push({ index: i, prog, cmp, occurrences: 1 });
      else unreported++;
    }
    o.onProgress?.(programs, counts);
  }
  const elapsedMs = performance.now() - t0;
  const disagreements = found.map((f) => minimiseDisagreement(f.prog, o.seed, f.index, f.cmp, f.occurrences, o));
  return { seed: o.seed, programs, elapsedMs, counts, modelVerdicts, kernelVerdicts, disagreements, unreported };
}
