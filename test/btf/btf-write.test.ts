// The BTF encoder, checked by reading its output back with the parser, and by the kernel's own
// BTF checker (BPF_BTF_LOAD) when the kernel is available.

import { describe, expect, it } from 'vitest';
import { parseBtf, type BtfType } from '../../src/btf/btf-parse.ts';
import { BtfBuilder } from '../../src/btf/btf-write.ts';
import { kernelStatus } from '../../src/kernel/loader.ts';
import { btfLoad, closeFd } from '../../src/kernel/bpf-syscall.ts';

function everyKind() {
  const b = new BtfBuilder();
  const int = b.int('int', 4, { signed: true });
  const uchar = b.int('unsigned char', 1, { char: true });
  const bool = b.int('_Bool', 1, { bool: true });
  const long = b.int('long', 8, { signed: true });
  const ptr = b.ptr(int);
  const arr = b.array(uchar, int, 16);
  // A self-referencing struct: its id is reserved before its members exist.
  const node = b.reserve();
  const nodePtr = b.ptr(node);
  b.struct('node', 16, [{ name: 'next', type: nodePtr, bitOffset: 0 }, { name: 'v', type: int, bitOffset: 64 }], node);
  const bits = b.struct('bits', 8, [
    { name: 'a', type: int, bitOffset: 0 },
    { name: 'b', type: int, bitOffset: 32, bitfieldSize: 3 },
    { name: 'c', type: int, bitOffset: 35, bitfieldSize: 29 },
  ]);
  const un = b.union('u', 8, [{ name: 'x', type: int, bitOffset: 0 }, { name: 'y', type: long, bitOffset: 0 }]);
  const en = b.enum('e', 4, [{ name: 'E_A', value: 0n }, { name: 'E_B', value: -1n }], true);
  const e64 = b.enum64('e64', 8, [{ name: 'BIG', value: 0x1_0000_0001n }, { name: 'NEG', value: -2n }], true);
  const fwdS = b.fwd('fs');
  const fwdU = b.fwd('fu', 'union');
  const td = b.typedef('myint', int);
  const vol = b.modifier('volatile', 'ignored', td);
  const cst = b.modifier('const', '', vol);
  const rst = b.modifier('restrict', '', ptr);
  const proto = b.funcProto(int, [{ name: 'p', type: ptr }, { name: 'n', type: long }]);
  const vproto = b.funcProto(0, [{ name: 'fmt', type: ptr }], true);
  const fn = b.func('f', proto);
  const fnStatic = b.func('g', vproto, 'static');
  const v = b.var('counter', long);
  const vs = b.var('hidden', int, 'static');
  const ds = b.datasec('.bss', 16, [{ type: v, offset: 0, size: 8 }, { type: vs, offset: 8, size: 4 }]);
  const flt = b.float('double', 8);
  const tagMember = b.declTag('contains:node:next', node, 0);
  const tagFunc = b.declTag('bpf_kfunc', fn);
  const tagAttr = b.declTag('attr', fn, -1, true);
  const tt = b.typeTag('kptr', node);
  const ttPtr = b.ptr(tt);
  return { b, int, uchar, bool, long, ptr, arr, node, nodePtr, bits, un, en, e64, fwdS, fwdU, td, vol, cst, rst, proto, vproto, fn, fnStatic, v, vs, ds, flt, tagMember, tagFunc, tagAttr, tt, ttPtr };
}

describe('BtfBuilder', () => {
  it('round-trips every kind through parseBtf', () => {
    const k = everyKind();
    const btf = parseBtf(k.b.build());
    expect(btf.header).toMatchObject({ magic: 0xeb9f, version: 1, flags: 0, hdrLen: 24, typeOff: 0 });
    expect(btf.littleEndian).toBe(true);
    expect(btf.typeCount).toBe(k.ttPtr + 1);
    const t = (id: number): BtfType => btf.type(id);
    expect(t(k.int)).toMatchObject({ kind: 'int', name: 'int', size: 4, signed: true, bits: 32, bitOffset: 0 });
    expect(t(k.uchar)).toMatchObject({ kind: 'int', char: true, signed: false, bits: 8 });
    expect(t(k.bool)).toMatchObject({ kind: 'int', bool: true });
    expect(t(k.ptr)).toMatchObject({ kind: 'ptr', name: '', type: k.int });
    expect(t(k.arr)).toMatchObject({ kind: 'array', elemType: k.uchar, indexType: k.int, nelems: 16 });
    expect(t(k.node)).toMatchObject({ kind: 'struct', name: 'node', size: 16, kflag: false, members: [
      { name: 'next', type: k.nodePtr, bitOffset: 0, bitfieldSize: 0 }, { name: 'v', type: k.int, bitOffset: 64, bitfieldSize: 0 },
    ] });
    expect(t(k.nodePtr)).toMatchObject({ kind: 'ptr', type: k.node });
    expect(t(k.bits)).toMatchObject({ kind: 'struct', kflag: true, members: [
      { name: 'a', bitOffset: 0, bitfieldSize: 0 }, { name: 'b', bitOffset: 32, bitfieldSize: 3 }, { name: 'c', bitOffset: 35, bitfieldSize: 29 },
    ] });
    expect(t(k.un)).toMatchObject({ kind: 'union', name: 'u', size: 8, members: [{ name: 'x' }, { name: 'y', type: k.long }] });
    expect(t(k.en)).toMatchObject({ kind: 'enum', signed: true, values: [{ name: 'E_A', value: 0n }, { name: 'E_B', value: -1n }] });
    expect(t(k.e64)).toMatchObject({ kind: 'enum64', size: 8, values: [{ name: 'BIG', value: 0x1_0000_0001n }, { name: 'NEG', value: -2n }] });
    expect(t(k.fwdS)).toMatchObject({ kind: 'fwd', name: 'fs', fwdKind: 'struct' });
    expect(t(k.fwdU)).toMatchObject({ kind: 'fwd', name: 'fu', fwdKind: 'union' });
    expect(t(k.td)).toMatchObject({ kind: 'typedef', name: 'myint', type: k.int });
    // Only typedefs are named; the kernel rejects a named volatile/const/restrict.
    expect(t(k.vol)).toMatchObject({ kind: 'volatile', name: '', type: k.td });
    expect(t(k.cst)).toMatchObject({ kind: 'const', type: k.vol });
    expect(t(k.rst)).toMatchObject({ kind: 'restrict', type: k.ptr });
    expect(t(k.proto)).toMatchObject({ kind: 'func_proto', ret: k.int, variadic: false, params: [{ name: 'p', type: k.ptr }, { name: 'n', type: k.long }] });
    expect(t(k.vproto)).toMatchObject({ kind: 'func_proto', ret: 0, variadic: true, params: [{ name: 'fmt', type: k.ptr }] });
    expect(t(k.fn)).toMatchObject({ kind: 'func', name: 'f', type: k.proto, linkage: 'global' });
    expect(t(k.fnStatic)).toMatchObject({ kind: 'func', name: 'g', linkage: 'static' });
    expect(t(k.v)).toMatchObject({ kind: 'var', name: 'counter', type: k.long, linkage: 'global' });
    expect(t(k.vs)).toMatchObject({ kind: 'var', linkage: 'static' });
    expect(t(k.ds)).toMatchObject({ kind: 'datasec', name: '.bss', size: 16, vars: [{ type: k.v, offset: 0, size: 8 }, { type: k.vs, offset: 8, size: 4 }] });
    expect(t(k.flt)).toMatchObject({ kind: 'float', name: 'double', size: 8 });
    expect(t(k.tagMember)).toMatchObject({ kind: 'decl_tag', name: 'contains:node:next', type: k.node, componentIdx: 0, attribute: false });
    expect(t(k.tagAttr)).toMatchObject({ kind: 'decl_tag', attribute: true, componentIdx: -1 });
    expect(btf.declTags(k.fn, -1).map((x) => x.value)).toEqual(['bpf_kfunc', 'attr']);
    expect(t(k.tt)).toMatchObject({ kind: 'type_tag', name: 'kptr', type: k.node, attribute: false });
  });

  it('stores each string once', () => {
    const b = new BtfBuilder();
    const a = b.str('x');
    expect(b.str('x')).toBe(a);
    expect(b.str('')).toBe(0);
    b.int('x', 4);
    b.struct('x', 4, [{ name: 'x', type: 1, bitOffset: 0 }]);
    const btf = parseBtf(b.build());
    // '\0' + 'x\0'
    expect(btf.header.strLen).toBe(3);
    expect(btf.type(2)).toMatchObject({ name: 'x', members: [{ name: 'x' }] });
  });

  it('refuses to build with a reserved id left unset, and to set an id twice', () => {
    const b = new BtfBuilder();
    const id = b.reserve();
    expect(() => b.build()).toThrow(/reserved but never set/);
    b.int('int', 4, {}, id);
    expect(() => b.int('int', 4, {}, id)).toThrow(/already set/);
    expect(parseBtf(b.build()).type(id)).toMatchObject({ kind: 'int' });
  });

  it('an empty BTF is a header and the empty string', () => {
    const raw = new BtfBuilder().build();
    expect(raw.length).toBe(25);
    expect(parseBtf(raw).typeCount).toBe(1);
  });
});

const status = kernelStatus();
describe.skipIf(!status.available)(`BtfBuilder output in the running kernel${status.available ? '' : ` (skipped: ${status.reason})`}`, () => {
  it('BPF_BTF_LOAD accepts a blob with every kind', () => {
    const r = btfLoad(everyKind().b.build(), 1);
    expect(r.fd, r.log).toBeGreaterThanOrEqual(0);
    closeFd(r.fd);
  });
});
