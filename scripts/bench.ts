// `npm run bench`: the model's verification time per example and instructions processed per
// second over the whole corpus. Speed goals live here, not in timed tests.
import { collectExamples } from '../src/spec/collect.ts';
import { verifyProgram } from '../src/model/verify.ts';
import { ModelLimit } from '../src/model/exec/call.ts';

const examples = collectExamples(['specs', 'content']);
const rows: { id: string; insns: number; us: number }[] = [];
let totalInsns = 0;
let totalUs = 0;
for (const ex of examples) {
  try {
    verifyProgram(ex.program, { logLevel: 1 }); // warm-up
    const t0 = performance.now();
    const r = verifyProgram(ex.program, { logLevel: 1 });
    const us = Math.round((performance.now() - t0) * 1000);
    rows.push({ id: ex.id, insns: r.insnProcessed, us });
    totalInsns += r.insnProcessed;
    totalUs += us;
  } catch (e) {
    if (!(e instanceof ModelLimit)) throw e;
  }
}
rows.sort((a, b) => b.us - a.us);
const pad = (s: string | number, n: number): string => String(s).padStart(n);
console.log(`${'example'.padEnd(48)} ${pad('insns', 9)} ${pad('time us', 10)} ${pad('insns/s', 10)}`);
for (const r of rows) console.log(`${r.id.padEnd(48)} ${pad(r.insns, 9)} ${pad(r.us, 10)} ${pad(r.us ? Math.round((r.insns / r.us) * 1e6) : 0, 10)}`);
console.log(`\n${rows.length} examples, ${totalInsns} insns processed in ${(totalUs / 1000).toFixed(1)} ms: ${Math.round((totalInsns / totalUs) * 1e6)} insns/s`);
