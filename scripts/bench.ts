// `npm run bench`: the model's verification time per example, instructions processed per second
// over the whole corpus, and — where the running kernel can load programs — the kernel's own
// verification time for the same program in the same run (log level 4 stats) and the ratio.
// Speed goals live here, not in timed tests.
// Then the site (scripts/bench-site.ts): build time, page load times and weights in Chromium, and
// the playground's re-verify time. `--no-site` skips it; `--out DIR`, `--no-build` and `--runs N`
// are passed on; `node scripts/bench-site.ts` runs the site part alone.
import { collectExamples } from '../src/spec/sources.ts';
import { siteBench, siteBenchOptions } from './bench-site.ts';
import { verifyProgram } from '../src/model/verify.ts';
import { ModelLimit } from '../src/model/exec/call.ts';
import { hostModelOptions } from '../src/spec/host.ts';
import { kernelStatus } from '../src/kernel/loader.ts';
import { KernelBackendLimit, runOnKernel } from '../src/kernel/from-ir.ts';

const examples = collectExamples(['specs', 'content']);
const kst = kernelStatus();
interface Row { id: string; insns: number; us: number; kernelUs: number | null; kernelInsns: number | null }
const rows: Row[] = [];
let totalInsns = 0;
let totalUs = 0;
let totalKernelUs = 0;
let modelUsWithKernel = 0;

function kernelTime(ex: (typeof examples)[number]): { us: number; insns: number | null } | null {
  if (!kst.available || ex.modelOnly) return null;
  try {
    const r = runOnKernel(ex.program, 4);
    return r.kind === 'verdict' && r.verificationTimeUs !== null ? { us: r.verificationTimeUs, insns: r.insnProcessed } : null;
  } catch (e) {
    if (e instanceof KernelBackendLimit) return null;
    throw e;
  }
}

for (const ex of examples) {
  try {
    const opts = { ...hostModelOptions(), logLevel: 1 };
    verifyProgram(ex.program, opts); // warm-up
    const t0 = performance.now();
    const r = verifyProgram(ex.program, opts);
    const us = Math.round((performance.now() - t0) * 1000);
    const k = kernelTime(ex);
    rows.push({ id: ex.id, insns: r.insnProcessed, us, kernelUs: k?.us ?? null, kernelInsns: k?.insns ?? null });
    totalInsns += r.insnProcessed;
    totalUs += us;
    if (k) {
      totalKernelUs += Math.max(k.us, 1);
      modelUsWithKernel += us;
    }
  } catch (e) {
    if (!(e instanceof ModelLimit)) throw e;
  }
}
rows.sort((a, b) => b.us - a.us);
const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(`${'example'.padEnd(48)} ${pad('insns', 9)} ${pad('model us', 10)} ${pad('insns/s', 10)} ${pad('kernel us', 10)} ${pad('model/kernel', 13)}`);
for (const r of rows) {
  const ratio = r.kernelUs !== null ? (r.us / Math.max(r.kernelUs, 1)).toFixed(1) : '-';
  console.log(`${r.id.padEnd(48)} ${pad(r.insns, 9)} ${pad(r.us, 10)} ${pad(r.us ? Math.round((r.insns / r.us) * 1e6) : 0, 10)} ${pad(r.kernelUs ?? '-', 10)} ${pad(ratio, 13)}`);
}
console.log(`\n${rows.length} examples, ${totalInsns} insns processed in ${(totalUs / 1000).toFixed(1)} ms: ${Math.round((totalInsns / totalUs) * 1e6)} insns/s`);
if (kst.available) {
  const withK = rows.filter((r) => r.kernelUs !== null);
  const ratios = withK.map((r) => r.us / Math.max(r.kernelUs ?? 1, 1)).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)] ?? 0;
  console.log(`kernel (${kst.release}): ${withK.length} examples verified in ${(totalKernelUs / 1000).toFixed(1)} ms (its own verification time); model/kernel time ratio: total ${(modelUsWithKernel / totalKernelUs).toFixed(1)}x, median ${median.toFixed(1)}x`);
} else console.log(`kernel: skipped (${kst.reason})`);

if (!process.argv.includes('--no-site')) await siteBench(siteBenchOptions(process.argv.slice(2)));
