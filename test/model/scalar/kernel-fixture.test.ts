// Ground truth: states printed by the reference kernel's verifier (log_level 2) for random
// straight-line programs, replayed through the model.  The fixture was produced by
// gen-kernel-fixture.ts on the reference 6.18.y machine; the live block below repeats
// the exercise against the running kernel when it can load programs.

import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { kernelStatus } from '../../../src/kernel/loader.ts';
import type { KernelFixture } from './gen-kernel-fixture.ts';
import { kernelLog } from './gen-kernel-fixture.ts';
import { Rng, checkProgram, genProg, trimLog } from './harness.ts';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/kernel-scalar-cases.json', import.meta.url), 'utf8'),
) as KernelFixture;

describe(`verifier log of Linux ${fixture.kernel}: adjust_scalar_min_max_vals / reg_set_min_max / print_reg_state replay`, () => {
  it('fixture is non-trivial', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(100);
  });
  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(checkProgram(c.prog, c.log)).toEqual([]);
  });
});

const status = kernelStatus();
const live = status.available && release().startsWith('6.18');
describe.skipIf(!live)('live differential against the running 6.18 kernel', () => {
  it('400 fresh random programs agree with the model', () => {
    const rng = new Rng(4242);
    const failures: string[] = [];
    for (let i = 0; i < 400; i++) {
      const prog = genProg(rng);
      const res = kernelLog(prog);
      if (res === null) continue;
      const errs = checkProgram(prog, trimLog(res.log));
      if (errs.length > 0) failures.push(`${JSON.stringify(prog)}\n${errs.join('\n')}`);
    }
    expect(failures.slice(0, 3)).toEqual([]);
  });
});
