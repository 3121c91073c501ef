// Thin binding of the bpf(2) system call for Node, through koffi.
//
// Every attr block is laid out by hand with the exact offsets of `union bpf_attr` in Linux 6.18
// (checked against the running kernel's own BTF). Pointers inside an attr must be stable native
// addresses, so every buffer the kernel reads or writes lives in koffi-allocated native memory
// (`NativeMem`), never in a JS-heap Buffer that the FFI layer might copy.
//
// Nothing here knows about programs or verdicts: see loader.ts for that.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type KoffiDefault from 'koffi';

type Koffi = typeof KoffiDefault;

/** enum bpf_cmd (the commands this module issues). */
export const BPF_CMD = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  PROG_LOAD: 5,
  PROG_TEST_RUN: 10,
  BTF_LOAD: 18,
  MAP_FREEZE: 22,
} as const;

/** Sizes of the attr prefixes we pass (offsetofend of the last field we set). */
export const ATTR_SIZE = {
  /** through map_token_fd; 6.18's excl_prog_hash{,_size} stay implicit zero. */
  MAP_CREATE: 80,
  MAP_ELEM: 32,
  MAP_FREEZE: 4,
  /** through fd_array_cnt; 6.18's signature/signature_size/keyring_id stay implicit zero. */
  PROG_LOAD: 152,
  PROG_TEST_RUN: 80,
  BTF_LOAD: 40,
} as const;

/** Flags for BPF_MAP_UPDATE_ELEM. */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;

/** __NR_bpf per Node architecture name. */
const NR_BPF: Readonly<Record<string, number>> = { x64: 321, arm64: 280, riscv64: 280, ia32: 357, arm: 386 };

/** An error from a bpf(2) command, with the errno the kernel returned. */
export class BpfSyscallError extends Error {
  readonly errno: number;
  readonly command: string;
  constructor(command: string, errno: number, detail?: string) {
    super(`${command} failed: ${errnoName(errno)} (${errno})${detail !== undefined ? `: ${detail}` : ''}`);
    this.name = 'BpfSyscallError';
    this.errno = errno;
    this.command = command;
  }
}

interface Binding {
  koffi: Koffi;
  nr: number;
  syscall: (...args: unknown[]) => number;
  close: (fd: number) => number;
}

let binding: Binding | null = null;
let bindingError: string | null = null;

function loadBinding(): Binding {
  if (binding !== null) return binding;
  if (bindingError !== null) throw new Error(bindingError);
  try {
    if (process.platform !== 'linux') throw new Error(`bpf(2) exists only on Linux (platform is ${process.platform})`);
    const nr = NR_BPF[process.arch];
    if (nr === undefined) throw new Error(`no known __NR_bpf for architecture ${process.arch}`);
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as Koffi;
    const libc = koffi.load('libc.so.6');
    const syscall = libc.func('long syscall(long nr, ...)') as (...args: unknown[]) => number;
    const close = libc.func('int close(int fd)') as (fd: number) => number;
    binding = { koffi, nr, syscall, close };
    return binding;
  } catch (e) {
    bindingError = `cannot bind bpf(2): ${e instanceof Error ? e.message : String(e)}`;
    throw new Error(bindingError, { cause: e });
  }
}

/** Whether the FFI binding can be set up at all; null when it can, else the reason. */
export function bindingProblem(): string | null {
  try {
    loadBinding();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

let errnoNames: Map<number, string> | null = null;

/** 'EPERM' for 1, etc.; 'errno N' when unknown. */
export function errnoName(errno: number): string {
  if (errnoNames === null) {
    errnoNames = new Map();
    try {
      const table = loadBinding().koffi.os.errno;
      for (const [name, value] of Object.entries(table)) if (!errnoNames.has(value)) errnoNames.set(value, name);
    } catch {
      // Fall back to the handful that matter for BPF.
    }
    const fallback: [number, string][] = [
      [1, 'EPERM'], [2, 'ENOENT'], [4, 'EINTR'], [7, 'E2BIG'], [9, 'EBADF'], [12, 'ENOMEM'], [13, 'EACCES'],
      [14, 'EFAULT'], [16, 'EBUSY'], [17, 'EEXIST'], [22, 'EINVAL'], [24, 'EMFILE'], [28, 'ENOSPC'],
      [95, 'EOPNOTSUPP'], [524, 'ENOTSUPP'],
    ];
    for (const [v, n] of fallback) if (!errnoNames.has(v)) errnoNames.set(v, n);
  }
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/**
 * A block of native (malloc'd) memory with a stable address, viewed from JS without copies.
 * Always `free()` it (try/finally); a freed block must not be touched again.
 */
export class NativeMem {
  readonly size: number;
  readonly address: bigint;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  #ptr: unknown;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`NativeMem size must be a positive integer, got ${size}`);
    const { koffi } = loadBinding();
    this.#ptr = koffi.alloc('uint8_t', size);
    this.size = size;
    this.address = koffi.address(this.#ptr);
    const ab = koffi.view(this.#ptr, size);
    this.bytes = new Uint8Array(ab);
    this.bytes.fill(0);
    this.view = new DataView(ab);
  }

  /** A native copy of `data` (at least 1 byte long, so empty inputs still get an address). */
  static from(data: Uint8Array, minSize = 1): NativeMem {
    const m = new NativeMem(Math.max(data.length, minSize, 1));
    m.bytes.set(data);
    return m;
  }

  /** A NUL-terminated C string. */
  static cString(s: string): NativeMem {
    const enc = new TextEncoder().encode(s);
    const m = new NativeMem(enc.length + 1);
    m.bytes.set(enc);
    return m;
  }

  u32(off: number, v: number): void {
    this.view.setUint32(off, v >>> 0, true);
  }
  s32(off: number, v: number): void {
    this.view.setInt32(off, v, true);
  }
  u64(off: number, v: bigint): void {
    this.view.setBigUint64(off, v, true);
  }
  getU32(off: number): number {
    return this.view.getUint32(off, true);
  }

  free(): void {
    if (this.#ptr === null) return;
    loadBinding().koffi.free(this.#ptr);
    this.#ptr = null;
  }
}

/** Frees every block, ignoring nulls. */
export function freeAll(...mems: (NativeMem | null | undefined)[]): void {
  for (const m of mems) m?.free();
}

/** Raw bpf(cmd, attr, size): returns the syscall's result and the errno it left (0 on success). */
export function sysBpf(cmd: number, attr: NativeMem, size: number): { ret: number; errno: number } {
  const b = loadBinding();
  if (size > attr.size) throw new RangeError(`attr block of ${attr.size} bytes is smaller than the size passed (${size})`);
  b.koffi.errno(0);
  const ret = Number(b.syscall(b.nr, 'int', cmd, 'void *', attr.address, 'uint32_t', size));
  const errno = ret < 0 ? b.koffi.errno() : 0;
  return { ret, errno };
}

/** close(2); errors (other than a bad fd) are reported, never silently dropped. */
export function closeFd(fd: number): void {
  if (fd < 0) return;
  const b = loadBinding();
  if (b.close(fd) !== 0) {
    const e = b.koffi.errno();
    // EINTR on Linux still closes the fd; anything else is a programming error.
    if (e !== 4) throw new BpfSyscallError(`close(${fd})`, e);
  }
}

/** Kernel object names (map_name, prog_name): at most 15 chars of [A-Za-z0-9_.]. */
export function objName(name: string): Uint8Array {
  const clean = name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15);
  return new TextEncoder().encode(clean);
}

// ---------------------------------------------------------------------------------------------
// BPF_MAP_CREATE

export interface MapCreateAttr {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags?: number;
  innerMapFd?: number;
  numaNode?: number;
  name?: string;
  mapIfindex?: number;
  btfFd?: number;
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
  btfVmlinuxValueTypeId?: number;
  mapExtra?: bigint;
  valueTypeBtfObjFd?: number;
  mapTokenFd?: number;
}

/** BPF_MAP_CREATE; returns the new map fd or throws BpfSyscallError. */
export function mapCreate(a: MapCreateAttr): number {
  const attr = new NativeMem(ATTR_SIZE.MAP_CREATE);
  try {
    attr.u32(0, a.mapType);
    attr.u32(4, a.keySize);
    attr.u32(8, a.valueSize);
    attr.u32(12, a.maxEntries);
    attr.u32(16, a.mapFlags ?? 0);
    attr.u32(20, a.innerMapFd ?? 0);
    attr.u32(24, a.numaNode ?? 0);
    if (a.name !== undefined) attr.bytes.set(objName(a.name), 28); // char map_name[16] @28
    attr.u32(44, a.mapIfindex ?? 0);
    attr.u32(48, a.btfFd ?? 0);
    attr.u32(52, a.btfKeyTypeId ?? 0);
    attr.u32(56, a.btfValueTypeId ?? 0);
    attr.u32(60, a.btfVmlinuxValueTypeId ?? 0);
    attr.u64(64, a.mapExtra ?? 0n);
    attr.s32(72, a.valueTypeBtfObjFd ?? 0);
    attr.s32(76, a.mapTokenFd ?? 0);
    const { ret, errno } = sysBpf(BPF_CMD.MAP_CREATE, attr, ATTR_SIZE.MAP_CREATE);
    if (ret < 0) throw new BpfSyscallError(`BPF_MAP_CREATE${a.name !== undefined ? ` '${a.name}'` : ''}`, errno);
    return ret;
  } finally {
    attr.free();
  }
}

// ---------------------------------------------------------------------------------------------
// BPF_MAP_UPDATE_ELEM / BPF_MAP_LOOKUP_ELEM / BPF_MAP_FREEZE

function elemAttr(mapFd: number, key: NativeMem, value: NativeMem, flags: bigint): NativeMem {
  const attr = new NativeMem(ATTR_SIZE.MAP_ELEM);
  attr.u32(0, mapFd); // map_fd @0
  attr.u64(8, key.address); // key @8
  attr.u64(16, value.address); // value / next_key @16
  attr.u64(24, flags); // flags @24
  return attr;
}

/** BPF_MAP_UPDATE_ELEM; throws BpfSyscallError. */
export function mapUpdateElem(mapFd: number, key: Uint8Array, value: Uint8Array, flags: number = BPF_ANY): void {
  const k = NativeMem.from(key);
  const v = NativeMem.from(value);
  const attr = elemAttr(mapFd, k, v, BigInt(flags));
  try {
    const { ret, errno } = sysBpf(BPF_CMD.MAP_UPDATE_ELEM, attr, ATTR_SIZE.MAP_ELEM);
    if (ret < 0) throw new BpfSyscallError('BPF_MAP_UPDATE_ELEM', errno);
  } finally {
    freeAll(attr, k, v);
  }
}

/**
 * BPF_MAP_LOOKUP_ELEM; `valueBytes` is the size the kernel copies out (value_size, or
 * round_up(value_size, 8) * possible CPUs for per-CPU maps). Returns null on ENOENT.
 */
export function mapLookupElem(mapFd: number, key: Uint8Array, valueBytes: number, flags = 0): Uint8Array | null {
  const k = NativeMem.from(key);
  const v = new NativeMem(Math.max(valueBytes, 1));
  const attr = elemAttr(mapFd, k, v, BigInt(flags));
  try {
    const { ret, errno } = sysBpf(BPF_CMD.MAP_LOOKUP_ELEM, attr, ATTR_SIZE.MAP_ELEM);
    if (ret < 0) {
      if (errno === 2) return null;
      throw new BpfSyscallError('BPF_MAP_LOOKUP_ELEM', errno);
    }
    return v.bytes.slice(0, valueBytes);
  } finally {
    freeAll(attr, k, v);
  }
}

/** BPF_MAP_FREEZE: no more writes from user space (the .rodata convention). */
export function mapFreeze(mapFd: number): void {
  const attr = new NativeMem(8);
  try {
    attr.u32(0, mapFd);
    const { ret, errno } = sysBpf(BPF_CMD.MAP_FREEZE, attr, ATTR_SIZE.MAP_FREEZE);
    if (ret < 0) throw new BpfSyscallError('BPF_MAP_FREEZE', errno);
  } finally {
    attr.free();
  }
}

// ---------------------------------------------------------------------------------------------
// BPF_PROG_LOAD

/** Raw records for func_info / line_info (already encoded, little-endian). */
export interface InfoRecords {
  recSize: number;
  count: number;
  data: Uint8Array;
}

export interface ProgLoadAttr {
  progType: number;
  /** Encoded struct bpf_insn array (8 bytes a slot). */
  insns: Uint8Array;
  license: string;
  logLevel: number;
  /** Where the kernel writes the log; null with logLevel 0. */
  logBuf: NativeMem | null;
  kernVersion?: number;
  progFlags?: number;
  name?: string;
  progIfindex?: number;
  expectedAttachType?: number;
  progBtfFd?: number;
  funcInfo?: InfoRecords;
  lineInfo?: InfoRecords;
  attachBtfId?: number;
  /** attach_prog_fd / attach_btf_obj_fd (a union in the UAPI). */
  attachFd?: number;
  fdArray?: readonly number[];
  /** Pass fd_array_cnt (bind every fd in fdArray to the program). */
  fdArrayBind?: boolean;
  progTokenFd?: number;
}

export interface ProgLoadOutcome {
  /** The program fd (>= 0) or -1. */
  fd: number;
  /** 0 on success. */
  errno: number;
  /** log_true_size as written back by the kernel (bytes including the terminating NUL); 0 without a log. */
  logTrueSize: number;
}

/** BPF_PROG_LOAD. Never throws for a kernel refusal: the errno is returned. */
export function progLoad(a: ProgLoadAttr): ProgLoadOutcome {
  if (a.insns.length === 0 || a.insns.length % 8 !== 0) {
    throw new RangeError(`instruction bytes must be a non-empty multiple of 8, got ${a.insns.length}`);
  }
  const mems: NativeMem[] = [];
  const attr = new NativeMem(ATTR_SIZE.PROG_LOAD);
  mems.push(attr);
  try {
    const insns = NativeMem.from(a.insns);
    mems.push(insns);
    const license = NativeMem.cString(a.license);
    mems.push(license);
    attr.u32(0, a.progType); // prog_type
    attr.u32(4, a.insns.length / 8); // insn_cnt
    attr.u64(8, insns.address); // insns
    attr.u64(16, license.address); // license
    attr.u32(24, a.logLevel); // log_level
    if (a.logBuf !== null) {
      attr.u32(28, a.logBuf.size); // log_size
      attr.u64(32, a.logBuf.address); // log_buf
    }
    attr.u32(40, a.kernVersion ?? 0); // kern_version
    attr.u32(44, a.progFlags ?? 0); // prog_flags
    if (a.name !== undefined) attr.bytes.set(objName(a.name), 48); // prog_name[16]
    attr.u32(64, a.progIfindex ?? 0); // prog_ifindex
    attr.u32(68, a.expectedAttachType ?? 0); // expected_attach_type
    attr.u32(72, a.progBtfFd ?? 0); // prog_btf_fd
    if (a.funcInfo !== undefined && a.funcInfo.count > 0) {
      const fi = NativeMem.from(a.funcInfo.data);
      mems.push(fi);
      attr.u32(76, a.funcInfo.recSize); // func_info_rec_size
      attr.u64(80, fi.address); // func_info
      attr.u32(88, a.funcInfo.count); // func_info_cnt
    }
    if (a.lineInfo !== undefined && a.lineInfo.count > 0) {
      const li = NativeMem.from(a.lineInfo.data);
      mems.push(li);
      attr.u32(92, a.lineInfo.recSize); // line_info_rec_size
      attr.u64(96, li.address); // line_info
      attr.u32(104, a.lineInfo.count); // line_info_cnt
    }
    attr.u32(108, a.attachBtfId ?? 0); // attach_btf_id
    attr.u32(112, a.attachFd ?? 0); // attach_prog_fd / attach_btf_obj_fd
    if (a.fdArray !== undefined && a.fdArray.length > 0) {
      const fda = new NativeMem(a.fdArray.length * 4);
      mems.push(fda);
      a.fdArray.forEach((fd, i) => fda.s32(i * 4, fd));
      attr.u64(120, fda.address); // fd_array
      if (a.fdArrayBind === true) attr.u32(148, a.fdArray.length); // fd_array_cnt
    }
    attr.s32(144, a.progTokenFd ?? 0); // prog_token_fd
    const { ret, errno } = sysBpf(BPF_CMD.PROG_LOAD, attr, ATTR_SIZE.PROG_LOAD);
    const logTrueSize = attr.getU32(140); // log_true_size (output)
    return { fd: ret >= 0 ? ret : -1, errno, logTrueSize };
  } finally {
    freeAll(...mems);
  }
}

// ---------------------------------------------------------------------------------------------
// BPF_PROG_TEST_RUN

export interface TestRunAttr {
  progFd: number;
  data?: Uint8Array;
  /** Room for data_out; 0 (default) passes no output buffer. */
  dataOutSize?: number;
  ctx?: Uint8Array;
  ctxOutSize?: number;
  repeat?: number;
  flags?: number;
  cpu?: number;
  batchSize?: number;
}

export interface TestRunOutcome {
  ok: boolean;
  errno: number;
  retval: number;
  /** Average run time in ns as the kernel reports it. */
  duration: number;
  dataOut: Uint8Array | null;
  ctxOut: Uint8Array | null;
}

/** BPF_PROG_TEST_RUN (a.k.a. BPF_PROG_RUN). Never throws for a kernel error: see `ok`/`errno`. */
export function progTestRun(a: TestRunAttr): TestRunOutcome {
  const mems: NativeMem[] = [];
  const attr = new NativeMem(ATTR_SIZE.PROG_TEST_RUN);
  mems.push(attr);
  try {
    attr.u32(0, a.progFd); // prog_fd
    let dataOut: NativeMem | null = null;
    let ctxOut: NativeMem | null = null;
    if (a.data !== undefined) {
      const d = NativeMem.from(a.data);
      mems.push(d);
      attr.u32(8, a.data.length); // data_size_in
      attr.u64(16, d.address); // data_in
    }
    if (a.dataOutSize !== undefined && a.dataOutSize > 0) {
      dataOut = new NativeMem(a.dataOutSize);
      mems.push(dataOut);
      attr.u32(12, a.dataOutSize); // data_size_out
      attr.u64(24, dataOut.address); // data_out
    }
    attr.u32(32, a.repeat ?? 0); // repeat
    if (a.ctx !== undefined) {
      const c = NativeMem.from(a.ctx);
      mems.push(c);
      attr.u32(40, a.ctx.length); // ctx_size_in
      attr.u64(48, c.address); // ctx_in
    }
    if (a.ctxOutSize !== undefined && a.ctxOutSize > 0) {
      ctxOut = new NativeMem(a.ctxOutSize);
      mems.push(ctxOut);
      attr.u32(44, a.ctxOutSize); // ctx_size_out
      attr.u64(56, ctxOut.address); // ctx_out
    }
    attr.u32(64, a.flags ?? 0); // flags
    attr.u32(68, a.cpu ?? 0); // cpu
    attr.u32(72, a.batchSize ?? 0); // batch_size
    const { ret, errno } = sysBpf(BPF_CMD.PROG_TEST_RUN, attr, ATTR_SIZE.PROG_TEST_RUN);
    const outLen = Math.min(attr.getU32(12), dataOut?.size ?? 0);
    const ctxLen = Math.min(attr.getU32(44), ctxOut?.size ?? 0);
    return {
      ok: ret >= 0,
      errno,
      retval: attr.getU32(4),
      duration: attr.getU32(36),
      dataOut: dataOut !== null ? dataOut.bytes.slice(0, outLen) : null,
      ctxOut: ctxOut !== null ? ctxOut.bytes.slice(0, ctxLen) : null,
    };
  } finally {
    freeAll(...mems);
  }
}

// ---------------------------------------------------------------------------------------------
// BPF_BTF_LOAD

export interface BtfLoadOutcome {
  fd: number;
  errno: number;
  log: string;
}

/** BPF_BTF_LOAD of a raw BTF blob (header + types + strings). Never throws for a kernel refusal. */
export function btfLoad(btf: Uint8Array, logLevel = 1, logSize = 1 << 20): BtfLoadOutcome {
  const data = NativeMem.from(btf);
  const log = logLevel > 0 ? new NativeMem(logSize) : null;
  const attr = new NativeMem(ATTR_SIZE.BTF_LOAD);
  try {
    attr.u64(0, data.address); // btf
    if (log !== null) {
      attr.u64(8, log.address); // btf_log_buf
      attr.u32(20, log.size); // btf_log_size
      attr.u32(24, logLevel); // btf_log_level
    }
    attr.u32(16, btf.length); // btf_size
    const { ret, errno } = sysBpf(BPF_CMD.BTF_LOAD, attr, ATTR_SIZE.BTF_LOAD);
    return { fd: ret >= 0 ? ret : -1, errno, log: log !== null ? cStringAt(log.bytes) : '' };
  } finally {
    freeAll(attr, data, log);
  }
}

/** The NUL-terminated string at the start of `bytes` (all of it if no NUL). */
export function cStringAt(bytes: Uint8Array, maxLen = bytes.length): string {
  const lim = Math.min(maxLen, bytes.length);
  let end = bytes.indexOf(0);
  if (end < 0 || end > lim) end = lim;
  return new TextDecoder('utf-8').decode(bytes.subarray(0, end));
}

/** The CPU ranges in /sys/devices/system/cpu/possible ("0-3,8"), as [first, last] pairs. */
export function possibleCpuRanges(): [number, number][] {
  const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  return text.split(',').map((part): [number, number] => {
    const [lo, hi] = part.split('-').map((x) => Number.parseInt(x, 10));
    if (lo === undefined || Number.isNaN(lo) || (hi !== undefined && Number.isNaN(hi))) throw new Error(`cannot parse /sys/devices/system/cpu/possible: '${text}'`);
    return [lo, hi ?? lo];
  });
}

/** Number of possible CPUs (per-CPU map values are this many round_up(value_size, 8) slots). */
export function possibleCpus(): number {
  return possibleCpuRanges().reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
}
