// Raw bpf(2) binding: map create / update / lookup / freeze, errno reporting, fd hygiene.

import { describe, expect, it } from 'vitest';
import { BPF_MAP_FLAG, BPF_MAP_TYPE } from '../../src/ir/sections.ts';
import {
  BPF_NOEXIST,
  BpfSyscallError,
  NativeMem,
  closeFd,
  errnoName,
  mapCreate,
  mapFreeze,
  mapLookupElem,
  mapUpdateElem,
  objName,
  possibleCpus,
} from '../../src/kernel/bpf-syscall.ts';
import { kernelStatus } from '../../src/kernel/loader.ts';
import { openFdCount } from './helpers.ts';

const status = kernelStatus();
const skipped = status.available ? '' : ` (skipped: ${status.reason})`;

const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};
const u64 = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

describe('pure helpers', () => {
  it('sanitises object names to 15 chars of [A-Za-z0-9_.]', () => {
    expect(new TextDecoder().decode(objName('.rodata'))).toBe('.rodata');
    expect(new TextDecoder().decode(objName('my-map name'))).toBe('my_map_name');
    expect(objName('a_very_long_map_name_indeed').length).toBe(15);
  });

  it('names errnos', () => {
    expect(errnoName(1)).toBe('EPERM');
    expect(errnoName(13)).toBe('EACCES');
    expect(errnoName(28)).toBe('ENOSPC');
  });
});

describe.skipIf(!status.available)(`bpf(2) maps${skipped}`, () => {
  it('creates an array map, updates and looks up key 0', () => {
    const fd = mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 8, maxEntries: 4, name: 'arr' });
    try {
      expect(fd).toBeGreaterThanOrEqual(0);
      // Array maps start zeroed.
      expect(mapLookupElem(fd, u32(0), 8)).toEqual(u64(0n));
      mapUpdateElem(fd, u32(0), u64(0x1122334455667788n));
      mapUpdateElem(fd, u32(3), u64(7n));
      expect(mapLookupElem(fd, u32(0), 8)).toEqual(u64(0x1122334455667788n));
      expect(mapLookupElem(fd, u32(3), 8)).toEqual(u64(7n));
      // Out-of-range key: E2BIG from the array map.
      expect(() => mapUpdateElem(fd, u32(4), u64(1n))).toThrow(BpfSyscallError);
    } finally {
      closeFd(fd);
    }
  });

  it('a hash map reports a missing key as null and BPF_NOEXIST as EEXIST', () => {
    const fd = mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 4, valueSize: 4, maxEntries: 8, name: 'h' });
    try {
      expect(mapLookupElem(fd, u32(9), 4)).toBeNull();
      mapUpdateElem(fd, u32(9), u32(99), BPF_NOEXIST);
      expect(mapLookupElem(fd, u32(9), 4)).toEqual(u32(99));
      try {
        mapUpdateElem(fd, u32(9), u32(100), BPF_NOEXIST);
        expect.unreachable('BPF_NOEXIST on an existing key must fail');
      } catch (e) {
        expect(e).toBeInstanceOf(BpfSyscallError);
        expect((e as BpfSyscallError).errno).toBe(17);
        expect((e as BpfSyscallError).message).toContain('EEXIST');
      }
    } finally {
      closeFd(fd);
    }
  });

  it('freezes a map: later user-space writes fail with EPERM, reads still work', () => {
    const fd = mapCreate({
      mapType: BPF_MAP_TYPE.array,
      keySize: 4,
      valueSize: 4,
      maxEntries: 1,
      mapFlags: BPF_MAP_FLAG.BPF_F_RDONLY_PROG,
      name: '.rodata',
    });
    try {
      mapUpdateElem(fd, u32(0), u32(42));
      mapFreeze(fd);
      expect(mapLookupElem(fd, u32(0), 4)).toEqual(u32(42));
      let errno = 0;
      try {
        mapUpdateElem(fd, u32(0), u32(43));
      } catch (e) {
        errno = (e as BpfSyscallError).errno;
      }
      expect(errno).toBe(1);
    } finally {
      closeFd(fd);
    }
  });

  it('per-CPU values are one 8-byte-aligned slot per possible CPU', () => {
    const cpus = possibleCpus();
    expect(cpus).toBeGreaterThanOrEqual(1);
    const fd = mapCreate({ mapType: BPF_MAP_TYPE.percpu_array, keySize: 4, valueSize: 4, maxEntries: 1, name: 'pc' });
    try {
      const v = new Uint8Array(8 * cpus);
      for (let c = 0; c < cpus; c++) v.set(u32(c + 1), c * 8);
      mapUpdateElem(fd, u32(0), v);
      expect(mapLookupElem(fd, u32(0), 8 * cpus)).toEqual(v);
    } finally {
      closeFd(fd);
    }
  });

  it('reports an invalid map with its errno', () => {
    try {
      mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 0, maxEntries: 1, name: 'bad' });
      expect.unreachable('value_size 0 must be refused');
    } catch (e) {
      expect(e).toBeInstanceOf(BpfSyscallError);
      expect((e as BpfSyscallError).errno).toBe(22);
      expect((e as BpfSyscallError).command).toContain('BPF_MAP_CREATE');
    }
  });

  it('closes what it opens', () => {
    const before = openFdCount();
    for (let i = 0; i < 20; i++) closeFd(mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 8, valueSize: 8, maxEntries: 2 }));
    expect(openFdCount()).toBe(before);
  });

  it('native memory is zeroed and addressable', () => {
    const m = new NativeMem(64);
    try {
      expect(m.address).toBeGreaterThan(0n);
      expect(m.bytes.every((b) => b === 0)).toBe(true);
      m.u32(4, 0xdeadbeef);
      expect(m.getU32(4)).toBe(0xdeadbeef);
    } finally {
      m.free();
    }
  });
});
