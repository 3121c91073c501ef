// The kernel back end against the running kernel: verdicts, logs, counters, test runs, maps,
// relocations, BTF, refusals. Everything that needs the kernel skips when it is unavailable.

import { execFileSync } from 'node:child_process';
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BPF_ATTACH_TYPE, BPF_MAP_FLAG, BPF_PROG_FLAG, BPF_PROG_TYPE } from '../../src/ir/sections.ts';
import { kernelStatus, loadProgram, parseVerifierLog, type KernelLoadRequest, type KernelResult } from '../../src/kernel/loader.ts';
import {
  BTF_KIND_FUNC,
  BTF_KIND_TYPEDEF,
  add64i,
  callHelper,
  encode,
  exit,
  ja,
  jeqi,
  jlti,
  ldImm64,
  ldxdw,
  ldxw,
  mov64i,
  mov64r,
  openFdCount,
  stw,
  tinyProgramBtf,
  vmlinuxTypeId,
  type Slot,
} from './helpers.ts';

const status = kernelStatus();
const skipped = status.available ? '' : ` (skipped: ${status.reason})`;

const R0 = 0, R1 = 1, R2 = 2, R10 = 10;
const EPERM = 1, E2BIG = 7, EACCES = 13, EINVAL = 22;

function req(slots: Slot[], extra: Partial<KernelLoadRequest> = {}): KernelLoadRequest {
  return { name: 'test', progType: BPF_PROG_TYPE.socket_filter, insns: encode(slots), logLevel: 1, maps: [], relocs: [], ...extra };
}

function verdict(r: KernelResult): Extract<KernelResult, { kind: 'verdict' }> {
  if (r.kind !== 'verdict') throw new Error(`expected a verdict, got refused: ${r.reason}`);
  return r;
}

const PROCESSED = /^processed \d+ insns \(limit 1000000\) max_states_per_insn \d+ total_states \d+ peak_states \d+ mark_read \d+$/;

/** A loop of `n` iterations: its level-2 log grows fast (precision backtracking per iteration). */
const countTo = (n: number): Slot[] => [mov64i(R1, 0), add64i(R1, 1), jlti(R1, n, -2), mov64i(R0, 0), exit()];

describe('kernelStatus', () => {
  it('is well formed and cached', () => {
    const s = kernelStatus();
    expect(kernelStatus()).toBe(s);
    if (s.available) expect(s.release).toBe(release());
    else {
      expect(s.reason.length).toBeGreaterThan(0);
      expect(s.reason).not.toContain('\n');
    }
  });

  it('can be switched off with BPFSPEC_KERNEL=0 (one-line reason)', () => {
    const loader = fileURLToPath(new URL('../../src/kernel/loader.ts', import.meta.url));
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import { kernelStatus } from ${JSON.stringify(loader)}; console.log(JSON.stringify(kernelStatus()));`],
      { env: { ...process.env, BPFSPEC_KERNEL: '0' }, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual({ available: false, reason: 'kernel back end disabled by BPFSPEC_KERNEL=0' });
  });
});

describe('parseVerifierLog (pure)', () => {
  it('finds the reason line before the stats lines', () => {
    const p = parseVerifierLog(
      '0: R1=ctx() R10=fp0\n0: (bf) r0 = r2\nR2 !read_ok\nverification time 12 usec\nstack depth 0+8\n' +
        'processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n',
    );
    expect(p.lastMessage).toBe('R2 !read_ok');
    expect(p.insnProcessed).toBe(1);
    expect(p.verificationTimeUs).toBe(12);
    expect(p.stackDepth).toEqual([0, 8]);
    expect(p.counters?.insnLimit).toBe(1000000);
  });

  it('skips the cur/old state dumps after an infinite-loop message', () => {
    const p = parseVerifierLog('infinite loop detected at insn 1\ncur state: R0=0\nold state: R0=0\nprocessed 9 insns (limit 1000000)\n');
    expect(p.lastMessage).toBe('infinite loop detected at insn 1');
  });

  it('copes with a log without a processed line', () => {
    const p = parseVerifierLog('something went wrong\n');
    expect(p.processedLine).toBe(-1);
    expect(p.insnProcessed).toBeNull();
    expect(p.lastMessage).toBe('something went wrong');
  });
});

describe('request validation (no kernel needed)', () => {
  it('rejects a reloc that does not point at an ld_imm64', () => {
    const r = req([mov64i(R0, 0), exit()], {
      maps: [{ name: 'm', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 }],
      relocs: [{ insn: 0, map: 0 }],
    });
    expect(() => loadProgram(r)).toThrow(/reloc at slot 0 points at opcode 0xb7, not an ld_imm64/);
  });

  it('rejects a reloc on an ld_imm64 whose src is not a map kind', () => {
    const r = req([...ldImm64(R1, 0, 0, 0), mov64i(R0, 0), exit()], {
      maps: [{ name: 'm', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 }],
      relocs: [{ insn: 0, map: 0 }],
    });
    expect(() => loadProgram(r)).toThrow(/src 0; map relocs need src 1 \(map fd\) or 2 \(map value\)/);
  });

  it('rejects a reloc to a missing map or outside the program', () => {
    expect(() => loadProgram(req([...ldImm64(R1, 1, 0, 0), mov64i(R0, 0), exit()], { relocs: [{ insn: 0, map: 0 }] }))).toThrow(/names map 0, but there are 0 maps/);
    expect(() => loadProgram(req([mov64i(R0, 0), exit()], { relocs: [{ insn: 7, map: 0 }] }))).toThrow(/outside the program/);
  });

  it('rejects byte counts that are not whole slots', () => {
    expect(() => loadProgram({ ...req([exit()]), insns: new Uint8Array(12) })).toThrow(/multiple of 8/);
  });
});

describe.skipIf(!status.available)(`loadProgram against the running kernel${skipped}`, () => {
  it('accepts `r0 = 7; exit` with the whole level-1 log', () => {
    const r = verdict(loadProgram(req([mov64i(R0, 7), exit()])));
    expect(r.verdict).toBe('accept');
    expect(r.errno).toBe(0);
    expect(r.error).toBeNull();
    expect(r.insnProcessed).toBe(2);
    expect(r.verificationTimeUs).toBeNull();
    // Level 1 rewinds the log of every finished path: an accepted program leaves only the stats line.
    expect(r.log).toMatch(/^processed 2 insns \(limit 1000000\)/);
    expect(r.log.trimEnd().split('\n')).toHaveLength(1);
  });

  it('rejects a read of an uninitialised register with EACCES and the reason line', () => {
    const r = verdict(loadProgram(req([mov64r(R0, R2), exit()])));
    expect(r.verdict).toBe('reject');
    expect(r.errno).toBe(EACCES);
    expect(r.error).toBe('R2 !read_ok');
    expect(r.insnProcessed).toBe(1);
    expect(r.log).toContain('0: (bf) r0 = r2\nR2 !read_ok\n');
  });

  it('rejects an infinite loop with EINVAL and reports the loop message, not the state dump', () => {
    const r = verdict(loadProgram(req([mov64i(R0, 0), ja(-1)])));
    expect(r.verdict).toBe('reject');
    expect(r.errno).toBe(EINVAL);
    expect(r.error).toBe('infinite loop detected at insn 1');
    expect(r.log).toContain('old state:');
  });

  it('prints the level-2 log with the instruction and state lines', () => {
    const r = verdict(loadProgram(req([mov64i(R0, 7), exit()], { logLevel: 2 })));
    expect(r.verdict).toBe('accept');
    const lines = r.log.trimEnd().split('\n');
    expect(lines[0]).toBe('func#0 @0');
    expect(lines).toContain('0: R1=ctx() R10=fp0');
    expect(lines).toContain('0: (b7) r0 = 7                        ; R0=7');
    expect(lines.at(-1)).toMatch(PROCESSED);
  });

  it('parses insnProcessed of a bounded loop', () => {
    const r = verdict(loadProgram(req(countTo(5))));
    expect(r.verdict).toBe('accept');
    expect(r.insnProcessed).toBe(13);
    expect(r.counters?.insnProcessed).toBe(13);
  });

  it('parses the verification time and stack depths with log level 1|4', () => {
    const slots: Slot[] = [stw(R10, -4, 0), mov64i(R0, 0), exit()];
    const r = verdict(loadProgram(req(slots, { logLevel: 1 | 4 })));
    expect(r.verdict).toBe('accept');
    expect(r.verificationTimeUs).not.toBeNull();
    expect(r.verificationTimeUs).toBeGreaterThanOrEqual(0);
    expect(r.log).toMatch(/^verification time \d+ usec\nstack depth 8\nprocessed 3 insns/);
    expect(r.stackDepth).toEqual([8]);
    expect(r.insnProcessed).toBe(3);
  });

  it('treats log level 0 as stats only, so the reason line is still there', () => {
    const r = verdict(loadProgram(req([mov64r(R0, R2), exit()], { logLevel: 0 })));
    expect(r.error).toBe('R2 !read_ok');
    expect(r.verificationTimeUs).not.toBeNull();
  });

  it('grows the log buffer until the whole level-2 log fits (explicit small start)', () => {
    const small = verdict(loadProgram(req(countTo(100), { logLevel: 2, initialLogSize: 4096 })));
    const large = verdict(loadProgram(req(countTo(100), { logLevel: 2, initialLogSize: 64 << 20 })));
    expect({ verdict: small.verdict, errno: small.errno, error: small.error }).toEqual({ verdict: 'accept', errno: 0, error: null });
    expect(small.log.length).toBeGreaterThan(4096);
    expect(small.logTruncated).toBeUndefined();
    expect(small.log.startsWith('func#0 @0\n')).toBe(true);
    expect(small.log.trimEnd().split('\n').at(-1)).toMatch(PROCESSED);
    // Level-2 logs of this program hold no addresses or times: both runs print the same bytes.
    expect(small.log).toBe(large.log);
  });

  it('grows past the default initial buffer (256 KiB) on its own', () => {
    const r = verdict(loadProgram(req(countTo(250), { logLevel: 2 })));
    expect(r.verdict).toBe('accept');
    expect(r.log.length).toBeGreaterThan(256 * 1024);
    expect(r.log.startsWith('func#0 @0\n')).toBe(true);
    expect(r.log.trimEnd().split('\n').at(-1)).toMatch(PROCESSED);
    expect(r.logTruncated).toBeUndefined();
  });

  it('says so when even the largest buffer allowed cannot hold the log, keeping its tail', () => {
    const r = verdict(loadProgram(req(countTo(100), { logLevel: 2, initialLogSize: 4096, maxLogSize: 8192 })));
    expect(r.logTruncated).toBeDefined();
    expect(r.logTruncated?.trueSize).toBeGreaterThan(8192);
    expect(r.verdict).toBe('accept');
    expect(r.log.length).toBeLessThan(8192);
    expect(r.log.trimEnd().split('\n').at(-1)).toMatch(PROCESSED);
    expect(r.insnProcessed).toBe(203);
  });

  it('reports the 1M-instruction complexity limit as E2BIG', () => {
    const r = verdict(loadProgram(req([mov64i(R1, 0), add64i(R1, 1), [0x55, R1, 0, -2, 0x40000000], mov64i(R0, 0), exit()])));
    expect(r.verdict).toBe('reject');
    expect(r.errno).toBe(E2BIG);
    expect(r.error).toBe('BPF program is too large. Processed 1000001 insn');
    expect(r.insnProcessed).toBe(1000001);
  });

  it('runs an accepted socket filter once: retval 7 on a 64-byte packet', () => {
    const r = verdict(loadProgram(req([mov64i(R0, 7), exit()], { testRun: { data: new Uint8Array(64) } })));
    expect(r.retval).toBe(7);
    expect(r.testRunErrno).toBeUndefined();
  });

  it('runs a socket filter that reads skb->len', () => {
    const r = verdict(loadProgram(req([ldxw(R0, R1, 0), exit()], { testRun: { data: new Uint8Array(64), repeat: 3 } })));
    // The test-run skb has had its 14-byte Ethernet header pulled (eth_type_trans) before the program runs.
    expect(r.retval).toBe(64 - 14);
  });

  it('reports a failing test run by its errno (socket filter without packet data)', () => {
    const r = verdict(loadProgram(req([mov64i(R0, 7), exit()], { testRun: {} })));
    expect(r.verdict).toBe('accept');
    expect(r.retval).toBeUndefined();
    expect(r.testRunErrno).toBe(EINVAL);
  });

  it('runs a sleepable syscall program, with and without ctx', () => {
    const base = { progType: BPF_PROG_TYPE.syscall, progFlags: BPF_PROG_FLAG.BPF_F_SLEEPABLE };
    const plain = verdict(loadProgram(req([mov64i(R0, 42), exit()], { ...base, testRun: {} })));
    expect(plain.retval).toBe(42);
    const ctx = new Uint8Array(8);
    new DataView(ctx.buffer).setUint32(0, 4321, true);
    const withCtx = verdict(loadProgram(req([ldxw(R0, R1, 0), exit()], { ...base, testRun: { ctx } })));
    expect(withCtx.retval).toBe(4321);
  });

  it('reports the verifier refusing a non-sleepable syscall program as a reject', () => {
    const r = verdict(loadProgram(req([mov64i(R0, 0), exit()], { progType: BPF_PROG_TYPE.syscall })));
    expect(r.verdict).toBe('reject');
    expect(r.error).toBe('Syscall programs can only be sleepable');
    expect(r.insnProcessed).toBe(0);
  });

  it('relocates an ld_imm64 map-value load (src 2, offset in the second slot) into a .data map', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigUint64(8, 0x0000000500000007n, true);
    const r = verdict(
      loadProgram(
        req([...ldImm64(R1, 2, 0, 8), ldxdw(R0, R1, 0), exit()], {
          logLevel: 2,
          maps: [{ name: '.data', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, initialValue: data }],
          relocs: [{ insn: 0, map: 0 }],
          testRun: { data: new Uint8Array(64) },
        }),
      ),
    );
    expect(r.verdict).toBe('accept');
    expect(r.log).toContain('R1=map_value(map=.data,ks=4,vs=16,off=8)');
    // .data is writable: the verifier cannot know the value.
    expect(r.log).toMatch(/R0=scalar\(\)/);
    expect(r.retval).toBe(7); // low 32 bits of the u64 at offset 8
  });

  it('a frozen read-only .rodata value is known to the verifier', () => {
    const ro = new Uint8Array(8);
    new DataView(ro.buffer).setUint32(4, 1234, true);
    const r = verdict(
      loadProgram(
        req([...ldImm64(R1, 2, 0, 4), ldxw(R0, R1, 0), exit()], {
          logLevel: 2,
          maps: [{ name: '.rodata', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: BPF_MAP_FLAG.BPF_F_RDONLY_PROG, initialValue: ro, freeze: true }],
          relocs: [{ insn: 0, map: 0 }],
          testRun: { data: new Uint8Array(64) },
        }),
      ),
    );
    expect(r.log).toContain('R0=1234');
    expect(r.retval).toBe(1234);
  });

  it('relocates a map fd (src 1) for a helper call; a hash lookup without NULL check is rejected', () => {
    const slots: Slot[] = [stw(R10, -4, 0), mov64r(R2, R10), add64i(R2, -4), ...ldImm64(R1, 1, 0, 0), callHelper(1), ldxdw(R0, R0, 0), exit()];
    const hash = { name: 'tbl', type: 'hash' as const, keySize: 4, valueSize: 8, maxEntries: 4 };
    const r = verdict(loadProgram(req(slots, { maps: [hash], relocs: [{ insn: 3, map: 0 }] })));
    expect(r.verdict).toBe('reject');
    expect(r.errno).toBe(EACCES);
    expect(r.error).toBe("R0 invalid mem access 'map_value_or_null'");
    const checked: Slot[] = [stw(R10, -4, 0), mov64r(R2, R10), add64i(R2, -4), ...ldImm64(R1, 1, 0, 0), callHelper(1), jeqi(R0, 0, 2), ldxdw(R0, R0, 0), exit(), mov64i(R0, 0), exit()];
    expect(verdict(loadProgram(req(checked, { maps: [hash], relocs: [{ insn: 3, map: 0 }] }))).verdict).toBe('accept');
  });

  it('writes a per-CPU initial value for every CPU', () => {
    const init = new Uint8Array([9, 0, 0, 0]);
    const slots: Slot[] = [stw(R10, -4, 0), mov64r(R2, R10), add64i(R2, -4), ...ldImm64(R1, 1, 0, 0), callHelper(1), jeqi(R0, 0, 2), ldxw(R0, R0, 0), exit(), mov64i(R0, 0), exit()];
    const r = verdict(
      loadProgram(
        req(slots, {
          maps: [{ name: 'pcpu', type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 1, initialValue: init }],
          relocs: [{ insn: 3, map: 0 }],
          testRun: { data: new Uint8Array(64) },
        }),
      ),
    );
    expect(r.retval).toBe(9);
  });

  it('reports a map the kernel will not create as refused at map_create', () => {
    const r = loadProgram(
      req([...ldImm64(R1, 1, 0, 0), mov64i(R0, 0), exit()], {
        maps: [{ name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 1000 }], // not a power-of-2 page multiple
        relocs: [{ insn: 0, map: 0 }],
      }),
    );
    expect(r.kind).toBe('refused');
    if (r.kind === 'refused') {
      expect(r.stage).toBe('map_create');
      expect(r.errno).toBe(EINVAL);
      expect(r.reason).toContain("map 0 'rb' (ringbuf)");
    }
  });

  it('loads program BTF with func_info and line_info; the source line shows up in the log', () => {
    const t = tinyProgramBtf();
    const r = verdict(
      loadProgram(
        req([mov64i(R0, 0), exit()], {
          logLevel: 2,
          btf: t.btf,
          funcInfo: [{ insn: 0, typeId: t.mainFuncId }],
          lineInfo: [{ insn: 0, fileNameOff: t.fileNameOff, lineOff: t.lineOff, line: 1, col: 2 }],
        }),
      ),
    );
    expect(r.verdict).toBe('accept');
    expect(r.log).toContain('; r0 = 0; @ prog.c:1\n');
  });

  it('reports bad BTF as refused at btf_load with the BTF log', () => {
    const bad = tinyProgramBtf().btf.slice();
    bad[0] = 0; // wrong magic
    const r = loadProgram(req([mov64i(R0, 0), exit()], { btf: bad }));
    expect(r.kind).toBe('refused');
    if (r.kind === 'refused') {
      expect(r.stage).toBe('btf_load');
      expect(r.errno).toBe(EINVAL);
    }
  });

  it('loads a tp_btf program attached by BTF id', (ctx) => {
    const id = vmlinuxTypeId('btf_trace_sched_switch', BTF_KIND_TYPEDEF);
    if (id === null) return ctx.skip('no btf_trace_sched_switch in vmlinux BTF');
    const r = verdict(
      loadProgram(
        req([mov64i(R0, 0), exit()], { progType: BPF_PROG_TYPE.tracing, expectedAttachType: BPF_ATTACH_TYPE.BPF_TRACE_RAW_TP, attachBtfId: id }),
      ),
    );
    expect(r.verdict).toBe('accept');
  });

  it('reports an fentry program refused with EPERM (locked-down kernel) as kind refused', (ctx) => {
    const id = vmlinuxTypeId('bpf_fentry_test1', BTF_KIND_FUNC);
    if (id === null) return ctx.skip('no bpf_fentry_test1 in vmlinux BTF');
    const r = loadProgram(
      req([mov64i(R0, 0), exit()], { progType: BPF_PROG_TYPE.tracing, expectedAttachType: BPF_ATTACH_TYPE.BPF_TRACE_FENTRY, attachBtfId: id }),
    );
    if (r.kind === 'verdict') return ctx.skip(`this kernel lets fentry through (verdict ${r.verdict})`);
    expect(r.errno).toBe(EPERM);
    expect(r.stage).toBe('prog_load');
    expect(r.log).toBe('');
    expect(r.reason).toContain('EPERM');
  });

  it('closes every fd it opens, on accept, reject, refusal and test runs', () => {
    const before = openFdCount();
    const map = { name: 'm', type: 'array' as const, keySize: 4, valueSize: 8, maxEntries: 1, initialValue: new Uint8Array(8), freeze: true };
    for (let i = 0; i < 5; i++) {
      loadProgram(req([...ldImm64(R1, 2, 0, 0), ldxdw(R0, R1, 0), exit()], { maps: [map, map], relocs: [{ insn: 0, map: 1 }], testRun: { data: new Uint8Array(64) } }));
      loadProgram(req([...ldImm64(R1, 2, 0, 0), mov64r(R0, R2), exit()], { maps: [map], relocs: [{ insn: 0, map: 0 }] }));
      loadProgram(req([mov64i(R0, 0), exit()], { btf: tinyProgramBtf().btf, funcInfo: [{ insn: 0, typeId: 3 }] }));
      loadProgram(req([mov64i(R0, 0), exit()], { maps: [map, { name: 'bad', type: 'array', keySize: 4, valueSize: 0, maxEntries: 1 }] }));
      loadProgram(req(countTo(100), { logLevel: 2, initialLogSize: 4096, maxLogSize: 8192 }));
    }
    expect(openFdCount()).toBe(before);
  });
});
