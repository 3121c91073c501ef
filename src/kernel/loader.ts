// The kernel back end: load an already encoded program into the running kernel's verifier and
// report exactly what the kernel said. The running kernel is the ground truth of this project,
// so nothing here interprets or second-guesses a verdict: it only creates the maps the program
// refers to, patches their fds into the ld_imm64 slots, grows the log buffer until the whole log
// fits, parses the few numbers the kernel prints at the end, and closes every fd it opened.

import { release } from 'node:os';
import { BPF_LOG, BPF_MAP_TYPE, BPF_PROG_TYPE, BPF_PSEUDO_LD, type MapTypeName } from '../ir/sections.ts';
import {
  BpfSyscallError,
  NativeMem,
  bindingProblem,
  btfLoad,
  closeFd,
  cStringAt,
  errnoName,
  mapCreate,
  mapFreeze,
  mapUpdateElem,
  possibleCpus,
  progLoad,
  progTestRun,
  type InfoRecords,
} from './bpf-syscall.ts';

// ---------------------------------------------------------------------------------------------
// Public types

export type KernelStatus = { available: true; release: string } | { available: false; reason: string };

export type KernelMapType = Exclude<MapTypeName, 'unspec'>;

export interface KernelMapSpec {
  /** Map name (sanitised to the kernel's 15 chars of [A-Za-z0-9_.]), e.g. '.data', 'counts'. */
  name: string;
  type: KernelMapType;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** map_flags, e.g. BPF_F_RDONLY_PROG | BPF_F_MMAPABLE for .rodata (see BPF_MAP_FLAG). */
  flags?: number;
  /** map_extra (bloom filter hash count, arena address). */
  mapExtra?: bigint;
  /**
   * Written at key 0 (global data) before the program is loaded. Shorter than valueSize is
   * zero-padded. For per-CPU maps the same value is written for every possible CPU.
   */
  initialValue?: Uint8Array;
  /** BPF_MAP_FREEZE after the initial value (the .rodata convention). */
  freeze?: boolean;
  /** Type ids in the request's `btf` for the key and value (needs `btf`). */
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
}

/** One struct bpf_func_info: the subprogram starting at slot `insn` has BTF FUNC `typeId`. */
export interface KernelFuncInfo {
  insn: number;
  typeId: number;
}

/** One struct bpf_line_info; offsets are into the request's BTF string section. */
export interface KernelLineInfo {
  insn: number;
  fileNameOff: number;
  lineOff: number;
  line: number;
  col: number;
}

export interface KernelReloc {
  /** Slot index of an ld_imm64 with src 1 (BPF_PSEUDO_MAP_FD) or 2 (BPF_PSEUDO_MAP_VALUE). */
  insn: number;
  /** Index in `maps`. For src 2 the value offset stays in the second slot's imm. */
  map: number;
}

export interface KernelTestRun {
  /** data_in (packet for skb/xdp programs). */
  data?: Uint8Array;
  /** ctx_in (e.g. the argument block of a syscall program, a __sk_buff for skb programs). */
  ctx?: Uint8Array;
  /** repeat count; leave unset for program types that refuse it (syscall). */
  repeat?: number;
}

export interface KernelLoadRequest {
  /** Program name (sanitised like map names). */
  name: string;
  /** enum bpf_prog_type (see BPF_PROG_TYPE). */
  progType: number;
  expectedAttachType?: number;
  /** attach_btf_id in vmlinux BTF (tp_btf, fentry, lsm, iter, struct_ops). */
  attachBtfId?: number;
  /** prog_flags, e.g. BPF_F_SLEEPABLE (see BPF_PROG_FLAG). */
  progFlags?: number;
  /** Encoded struct bpf_insn slots, 8 bytes each, little-endian. */
  insns: Uint8Array;
  /** Default 'GPL'. */
  license?: string;
  /**
   * Verifier log_level bits: 1 (BPF_LOG_LEVEL1), 2 (BPF_LOG_LEVEL2), 4 (BPF_LOG_STATS).
   * 0 is treated as 4 (stats only), so the reason line and counters are still reported.
   */
  logLevel: number;
  maps: KernelMapSpec[];
  relocs: KernelReloc[];
  /** Raw program BTF (header + types + strings), loaded with BPF_BTF_LOAD; needed by funcInfo/lineInfo. */
  btf?: Uint8Array;
  funcInfo?: KernelFuncInfo[];
  lineInfo?: KernelLineInfo[];
  /** Run BPF_PROG_TEST_RUN once if the program was accepted. */
  testRun?: KernelTestRun;
  /** First log buffer size in bytes (default 256 KiB, at least 4 KiB). */
  initialLogSize?: number;
  /** Largest log buffer tried before giving up on the full log (default 512 MiB, at most 1 GiB - 1). */
  maxLogSize?: number;
}

/** Counters from the `processed N insns (limit L) max_states_per_insn ...` line. */
export type { VerifierCounters, ParsedLog } from '../messages/log-parse.ts';
import type { VerifierCounters } from '../messages/log-parse.ts';
import { parseVerifierLog } from '../messages/log-parse.ts';
export { parseVerifierLog };

export type KernelResult =
  | {
      kind: 'verdict';
      verdict: 'accept' | 'reject';
      /** 0 on accept, else the load's errno (EACCES, EINVAL, E2BIG, ...). */
      errno: number;
      /** The whole verifier log, verbatim (unless `logTruncated`). */
      log: string;
      /**
       * The kernel's reason line on reject: the last non-empty line before the stats lines
       * (`verification time`, `stack depth`, `processed`), skipping the `cur state:`/`old state:`
       * dumps that follow `infinite loop detected at insn N`. Null on accept.
       */
      error: string | null;
      insnProcessed: number | null;
      verificationTimeUs: number | null;
      /** Per-subprogram stack depths from `stack depth 8+0` (log level bit 4 only). */
      stackDepth?: number[];
      counters?: VerifierCounters;
      /**
       * Set when even `maxLogSize` could not hold the log: `log` is then only its tail (the kernel
       * keeps the end in its rotating mode) and the verdict comes from a second load without a log.
       */
      logTruncated?: { trueSize: number };
      /** BPF_PROG_TEST_RUN's retval (u32, as the UAPI reports it) when a test run was asked and succeeded. */
      retval?: number;
      /** BPF_PROG_TEST_RUN's errno when the test run itself failed. */
      testRunErrno?: number;
    }
  | {
      kind: 'refused';
      errno: number;
      /** One line: what refused, why. */
      reason: string;
      /** Which step refused: the program (before the verifier ran), or a map/BTF it needed. */
      stage: 'prog_load' | 'map_create' | 'map_update' | 'map_freeze' | 'btf_load';
      /** Whatever the kernel logged (usually empty for prog_load; the BTF log for btf_load). */
      log: string;
    };

// ---------------------------------------------------------------------------------------------
// Constants

const EPERM = 1;
const EAGAIN = 11;
const ENOMEM = 12;
const EBUSY = 16;
const ENOSPC = 28;
/**
 * Errors the kernel can return after the verifier accepted a program (JIT memory charged against
 * bpf_jit_limit while earlier programs are still being freed by RCU, allocation failures). They
 * are not verdicts: the load is retried, and if it keeps failing it is reported as refused.
 */
const TRANSIENT_AFTER_VERIFY = new Set([EPERM, EAGAIN, ENOMEM, EBUSY]);
const TRANSIENT_RETRIES = 5;
const LD_IMM64 = 0x18;
const DEFAULT_INITIAL_LOG = 256 * 1024;
const MIN_LOG = 4096;
const DEFAULT_MAX_LOG = 512 * 1024 * 1024;
/** The kernel refuses log_size > UINT_MAX >> 2. */
const KERNEL_MAX_LOG = (0xffffffff >>> 2) - 1;

// ---------------------------------------------------------------------------------------------
// Status

let statusCache: KernelStatus | null = null;

/** Can this process load BPF programs into the running kernel? Cached after the first call. */
export function kernelStatus(): KernelStatus {
  statusCache ??= probeStatus();
  return statusCache;
}

function probeStatus(): KernelStatus {
  if (process.env['BPFSPEC_KERNEL'] === '0') return { available: false, reason: 'kernel back end disabled by BPFSPEC_KERNEL=0' };
  if (process.platform !== 'linux') return { available: false, reason: `not Linux (platform ${process.platform})` };
  const problem = bindingProblem();
  if (problem !== null) return { available: false, reason: problem };
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  // r0 = 0; exit
  const insns = new Uint8Array([0xb7, 0x00, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  let out;
  try {
    out = progLoad({ progType: BPF_PROG_TYPE.socket_filter, insns, license: 'GPL', logLevel: 0, logBuf: null, name: 'bpfspec_probe' });
  } catch (e) {
    return { available: false, reason: `bpf(2) call failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (out.fd < 0) {
    const who = uid === 0 ? 'as root' : `as uid ${uid} (not root)`;
    return {
      available: false,
      reason: `BPF_PROG_LOAD of 'r0 = 0; exit' as a socket filter failed ${who}: ${errnoName(out.errno)} (${out.errno})`,
    };
  }
  closeFd(out.fd);
  return { available: true, release: release() };
}

// ---------------------------------------------------------------------------------------------
// Log parsing


// ---------------------------------------------------------------------------------------------
// Loading

/** Checks a request's shape; throws an Error with a clear message when it cannot be loaded as given. */
function validate(req: KernelLoadRequest): void {
  const n = req.insns.length;
  if (n === 0 || n % 8 !== 0) throw new Error(`program '${req.name}': instruction bytes must be a non-empty multiple of 8, got ${n}`);
  const slots = n / 8;
  req.maps.forEach((m, i) => {
    if (!Object.hasOwn(BPF_MAP_TYPE, m.type) || m.type === ('unspec' as string)) {
      throw new Error(`program '${req.name}': map ${i} ('${m.name}') has unknown type '${String(m.type)}'`);
    }
    if (m.initialValue !== undefined && m.initialValue.length > m.valueSize) {
      throw new Error(`program '${req.name}': map ${i} ('${m.name}') initial value is ${m.initialValue.length} bytes, more than value size ${m.valueSize}`);
    }
    if ((m.btfKeyTypeId !== undefined || m.btfValueTypeId !== undefined) && req.btf === undefined) {
      throw new Error(`program '${req.name}': map ${i} ('${m.name}') names BTF type ids but the request has no btf`);
    }
  });
  for (const r of req.relocs) {
    if (!Number.isInteger(r.insn) || r.insn < 0 || r.insn >= slots) {
      throw new Error(`program '${req.name}': reloc at slot ${r.insn} is outside the program (${slots} slots)`);
    }
    const code = req.insns[r.insn * 8] ?? 0;
    if (code !== LD_IMM64) {
      throw new Error(
        `program '${req.name}': reloc at slot ${r.insn} points at opcode 0x${code.toString(16).padStart(2, '0')}, not an ld_imm64 (0x18)`,
      );
    }
    if (r.insn + 1 >= slots) throw new Error(`program '${req.name}': ld_imm64 at slot ${r.insn} has no second slot`);
    const src = (req.insns[r.insn * 8 + 1] ?? 0) >> 4;
    if (src !== BPF_PSEUDO_LD.BPF_PSEUDO_MAP_FD && src !== BPF_PSEUDO_LD.BPF_PSEUDO_MAP_VALUE) {
      throw new Error(`program '${req.name}': reloc at slot ${r.insn} is an ld_imm64 with src ${src}; map relocs need src 1 (map fd) or 2 (map value)`);
    }
    if (!Number.isInteger(r.map) || r.map < 0 || r.map >= req.maps.length) {
      throw new Error(`program '${req.name}': reloc at slot ${r.insn} names map ${r.map}, but there are ${req.maps.length} maps`);
    }
  }
  if ((req.funcInfo !== undefined && req.funcInfo.length > 0) || (req.lineInfo !== undefined && req.lineInfo.length > 0)) {
    if (req.btf === undefined) throw new Error(`program '${req.name}': funcInfo/lineInfo need the program's btf`);
  }
}

function encodeFuncInfo(fi: KernelFuncInfo[]): InfoRecords {
  const data = new Uint8Array(fi.length * 8);
  const dv = new DataView(data.buffer);
  fi.forEach((r, i) => {
    dv.setUint32(i * 8, r.insn, true);
    dv.setUint32(i * 8 + 4, r.typeId, true);
  });
  return { recSize: 8, count: fi.length, data };
}

function encodeLineInfo(li: KernelLineInfo[]): InfoRecords {
  const data = new Uint8Array(li.length * 16);
  const dv = new DataView(data.buffer);
  li.forEach((r, i) => {
    dv.setUint32(i * 16, r.insn, true);
    dv.setUint32(i * 16 + 4, r.fileNameOff, true);
    dv.setUint32(i * 16 + 8, r.lineOff, true);
    dv.setUint32(i * 16 + 12, ((r.line << 10) | (r.col & 0x3ff)) >>> 0, true);
  });
  return { recSize: 16, count: li.length, data };
}

function isPerCpu(t: KernelMapType): boolean {
  return t === 'percpu_array' || t === 'percpu_hash' || t === 'lru_percpu_hash' || t === 'percpu_cgroup_storage';
}

/** The value buffer BPF_MAP_UPDATE_ELEM expects for `m` holding `v` (per-CPU maps: one copy per possible CPU). */
function mapValueBytes(m: KernelMapSpec, v: Uint8Array): Uint8Array {
  if (!isPerCpu(m.type)) {
    const out = new Uint8Array(m.valueSize);
    out.set(v);
    return out;
  }
  const stride = Math.ceil(m.valueSize / 8) * 8;
  const cpus = possibleCpus();
  const out = new Uint8Array(stride * cpus);
  for (let c = 0; c < cpus; c++) out.set(v, c * stride);
  return out;
}

type Refused = Extract<KernelResult, { kind: 'refused' }>;

function refused(stage: Refused['stage'], errno: number, reason: string, log = ''): Refused {
  return { kind: 'refused', errno, reason, stage, log };
}

function lastNonEmptyLine(s: string): string | null {
  const lines = s.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    if (l.trim() !== '') return l;
  }
  return null;
}

/**
 * Load `req` into the running kernel's verifier. Throws only for malformed requests (and when the
 * kernel back end is unavailable); everything the kernel decides is in the result.
 */
export function loadProgram(req: KernelLoadRequest): KernelResult {
  validate(req);
  const status = kernelStatus();
  if (!status.available) throw new Error(`kernel back end unavailable: ${status.reason}`);

  const logLevel = req.logLevel === 0 ? BPF_LOG.STATS : req.logLevel;
  const maxLog = Math.min(Math.max(req.maxLogSize ?? DEFAULT_MAX_LOG, MIN_LOG), KERNEL_MAX_LOG);
  let logSize = Math.min(Math.max(req.initialLogSize ?? DEFAULT_INITIAL_LOG, MIN_LOG), maxLog);

  const mapFds: number[] = [];
  let btfFd = -1;
  const progFds: number[] = [];
  try {
    // 1. Program BTF.
    if (req.btf !== undefined) {
      const b = btfLoad(req.btf, 1);
      if (b.fd < 0) {
        const why = lastNonEmptyLine(b.log);
        return refused('btf_load', b.errno, `BPF_BTF_LOAD failed: ${errnoName(b.errno)}${why !== null ? `: ${why}` : ''}`, b.log);
      }
      btfFd = b.fd;
    }

    // 2. Maps, their initial values, freezing.
    for (const [i, m] of req.maps.entries()) {
      let fd: number;
      const create = (withBtf: boolean): number =>
        mapCreate({
          mapType: BPF_MAP_TYPE[m.type],
          keySize: m.keySize,
          valueSize: m.valueSize,
          maxEntries: m.maxEntries,
          mapFlags: m.flags ?? 0,
          name: m.name,
          mapExtra: m.mapExtra ?? 0n,
          btfFd: withBtf ? btfFd : 0,
          btfKeyTypeId: withBtf ? (m.btfKeyTypeId ?? 0) : 0,
          btfValueTypeId: withBtf ? (m.btfValueTypeId ?? 0) : 0,
        });
      const hasBtf = m.btfKeyTypeId !== undefined || m.btfValueTypeId !== undefined;
      try {
        try {
          fd = create(hasBtf);
        } catch (e) {
          // libbpf retries a map the kernel will not take with BTF without it (e.g. prog arrays
          // on kernels whose map_check_btf is map_check_no_btf); if the map needed its BTF, the
          // verifier says so later, as it would for a libbpf load.
          if (!hasBtf || !(e instanceof BpfSyscallError)) throw e;
          fd = create(false);
        }
      } catch (e) {
        if (e instanceof BpfSyscallError) return refused('map_create', e.errno, `map ${i} '${m.name}' (${m.type}): ${e.message}`);
        throw e;
      }
      mapFds.push(fd);
      if (m.initialValue !== undefined) {
        try {
          mapUpdateElem(fd, new Uint8Array(m.keySize), mapValueBytes(m, m.initialValue));
        } catch (e) {
          if (e instanceof BpfSyscallError) return refused('map_update', e.errno, `map ${i} '${m.name}' initial value: ${e.message}`);
          throw e;
        }
      }
      if (m.freeze === true) {
        try {
          mapFreeze(fd);
        } catch (e) {
          if (e instanceof BpfSyscallError) return refused('map_freeze', e.errno, `map ${i} '${m.name}': ${e.message}`);
          throw e;
        }
      }
    }

    // 3. Patch map fds into the ld_imm64 slots (a private copy; the caller's bytes stay as given).
    const insns = new Uint8Array(req.insns);
    const dv = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
    for (const r of req.relocs) dv.setInt32(r.insn * 8 + 4, mapFds[r.map] ?? -1, true);

    const common = {
      progType: req.progType,
      insns,
      license: req.license ?? 'GPL',
      name: req.name,
      progFlags: req.progFlags ?? 0,
      expectedAttachType: req.expectedAttachType ?? 0,
      attachBtfId: req.attachBtfId ?? 0,
      progBtfFd: btfFd >= 0 ? btfFd : 0,
      ...(req.funcInfo !== undefined && req.funcInfo.length > 0 ? { funcInfo: encodeFuncInfo(req.funcInfo) } : {}),
      ...(req.lineInfo !== undefined && req.lineInfo.length > 0 ? { lineInfo: encodeLineInfo(req.lineInfo) } : {}),
    };

    // 4. Load, growing the log until it fits.
    let retries = 0;
    for (;;) {
      const buf = new NativeMem(logSize);
      let out;
      let log: string;
      try {
        out = progLoad({ ...common, logLevel, logBuf: buf });
        log = cStringAt(buf.bytes);
      } finally {
        buf.free();
      }
      if (out.fd >= 0) progFds.push(out.fd);
      // 6.18 always writes log_true_size back; a kernel that does not leaves it 0 and only says ENOSPC.
      const truncated = out.logTrueSize > logSize || (out.errno === ENOSPC && out.logTrueSize === 0);
      if (truncated) {
        if (logSize < maxLog) {
          const want = out.logTrueSize > logSize ? out.logTrueSize + 4096 : logSize * 2;
          logSize = Math.min(Math.max(want, logSize * 2), maxLog);
          continue;
        }
        return truncatedVerdict(req, common, log, out.logTrueSize, progFds);
      }
      if (out.fd < 0 && TRANSIENT_AFTER_VERIFY.has(out.errno) && verifiedCleanly(log)) {
        if (retries < TRANSIENT_RETRIES) {
          sleepMs(20 << retries++);
          continue;
        }
        return refused('prog_load', out.errno, `BPF_PROG_LOAD failed after the verifier accepted the program: ${errnoName(out.errno)} (${out.errno}), ${TRANSIENT_RETRIES} retries`, log);
      }
      return finish(req, out.fd, out.errno, log);
    }
  } finally {
    for (const fd of progFds) closeFd(fd);
    for (const fd of mapFds) closeFd(fd);
    if (btfFd >= 0) closeFd(btfFd);
  }
}

/** The log ends with the stats of a finished verification and no reason line before them. */
function verifiedCleanly(log: string): boolean {
  const parsed = parseVerifierLog(log);
  return parsed.processedLine >= 0 && (parsed.lastMessage === null || /^\d+: /.test(parsed.lastMessage));
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

type CommonAttr = Omit<Parameters<typeof progLoad>[0], 'logLevel' | 'logBuf'>;

/** The log did not fit even in maxLogSize: keep its tail, get the verdict from a log-less load. */
function truncatedVerdict(req: KernelLoadRequest, common: CommonAttr, tail: string, trueSize: number, progFds: number[]): KernelResult {
  const again = progLoad({ ...common, logLevel: 0, logBuf: null });
  if (again.fd >= 0) progFds.push(again.fd);
  // Rotating mode keeps the end of the log; its first line is usually cut mid-way.
  const nl = tail.indexOf('\n');
  const log = nl >= 0 ? tail.slice(nl + 1) : tail;
  const r = finish(req, again.fd, again.errno, log);
  if (r.kind === 'verdict') r.logTruncated = { trueSize };
  return r;
}

function finish(req: KernelLoadRequest, fd: number, errno: number, log: string): KernelResult {
  const parsed = parseVerifierLog(log);
  if (fd < 0 && parsed.processedLine < 0) {
    // The verifier never finished (or never started): the kernel refused the load itself.
    const last = lastNonEmptyLine(log);
    const why = last !== null ? last : errno === EPERM ? 'operation not permitted before verification (empty log)' : 'refused before verification (empty log)';
    return refused('prog_load', errno, `BPF_PROG_LOAD refused: ${errnoName(errno)} (${errno}): ${why}`, log);
  }
  const result: Extract<KernelResult, { kind: 'verdict' }> = {
    kind: 'verdict',
    verdict: fd >= 0 ? 'accept' : 'reject',
    errno: fd >= 0 ? 0 : errno,
    log,
    error: fd >= 0 ? null : parsed.lastMessage,
    insnProcessed: parsed.insnProcessed,
    verificationTimeUs: parsed.verificationTimeUs,
  };
  if (parsed.stackDepth !== null) result.stackDepth = parsed.stackDepth;
  if (parsed.counters !== null) result.counters = parsed.counters;
  if (fd >= 0 && req.testRun !== undefined) {
    const t = progTestRun({
      progFd: fd,
      ...(req.testRun.data !== undefined ? { data: req.testRun.data } : {}),
      ...(req.testRun.ctx !== undefined ? { ctx: req.testRun.ctx } : {}),
      ...(req.testRun.repeat !== undefined ? { repeat: req.testRun.repeat } : {}),
    });
    if (t.ok) result.retval = t.retval;
    else result.testRunErrno = t.errno;
  }
  return result;
}
