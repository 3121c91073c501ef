// The human-readable fuzz report: counts first, then each distinct problem as a minimised,
// ready-to-paste example file.
import type { FuzzReport } from './fuzz.ts';

export function formatFuzzReport(r: FuzzReport, withKernel: boolean): string {
  const out: string[] = [];
  const secs = r.elapsedMs / 1000;
  out.push(`bpfspec fuzz --seed ${r.seed}: ${r.programs} programs in ${secs.toFixed(1)} s (${Math.round(r.programs / Math.max(secs, 1e-3))}/s)${withKernel ? ', model vs kernel' : ', model only'}`);
  out.push(`  model:  ${r.modelVerdicts.accept} accepted, ${r.modelVerdicts.reject} rejected`);
  if (r.kernelVerdicts) out.push(`  kernel: ${r.kernelVerdicts.accept} accepted, ${r.kernelVerdicts.reject} rejected`);
  const c = r.counts;
  out.push(`  agree ${c.agree}; model accepts/kernel rejects ${c['model-accepts']}; model rejects/kernel accepts ${c['model-rejects']}; different message ${c.message}; kernel verifier bug ${c['kernel-bug']}; model crashed ${c['model-crash']}; not modelled ${c['not-modelled']}; kernel refused ${c['kernel-refused']}; generator produced invalid text ${c.invalid}`);
  if (!r.disagreements.length) {
    out.push('no disagreements');
    return out.join('\n') + '\n';
  }
  out.push(`${r.disagreements.length} distinct problem(s)${r.unreported ? ` (+${r.unreported} more not minimised)` : ''}:`);
  for (const d of r.disagreements) {
    const k = d.comparison.kernel;
    out.push('');
    out.push(`== ${d.cls} (${d.occurrences} program(s); minimised ${d.linesBefore} -> ${d.linesAfter} lines; reproduce: bpfspec fuzz --seed ${r.seed} --index ${d.index}${withKernel ? ' --kernel' : ''})`);
    out.push(`   model:  ${d.comparison.model.verdict}${d.comparison.model.error ? `: ${d.comparison.model.error}` : ''}`);
    if (k) out.push(`   kernel: ${k.verdict}${k.error ? `: ${k.error}` : ''}`);
    out.push(d.example.trimEnd());
  }
  return out.join('\n') + '\n';
}
