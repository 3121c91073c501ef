import { describe, expect, it } from 'vitest';
import { BtfParseError, parseBtf } from '../../src/btf/btf-parse.ts';
import {
  btfFuncSignature,
  btfToAggregate,
  btfToCType,
  btfToEnum,
  createCTypeConverter,
} from '../../src/btf/btf-to-ctype.ts';
import type { CType } from '../../src/btf/types.ts';
import { BtfWriter } from './btf-writer.ts';

const INT: CType = { kind: 'int', name: 'int', size: 4, signed: true };
const UINT: CType = { kind: 'int', name: 'unsigned int', size: 4, signed: false };
const ref = (tag: 'struct' | 'union' | 'enum', name: string): CType => ({ kind: 'ref', tag, name });

function sample() {
  const w = new BtfWriter();
  const int = w.int('int', 4, { signed: true });
  const uint = w.int('unsigned int', 4);
  const bool = w.int('_Bool', 1, { bool: true });
  const u8 = w.int('unsigned char', 1, { char: true });
  const dbl = w.float('double', 8);
  const fwdTask = w.fwd('task_struct');
  const task = w.struct('task_struct', 16, [{ name: 'pid', type: int, bitOffset: 0 }]);
  const pidT = w.modifier('typedef', 'pid_t', int);
  const cpid = w.modifier('const', '', pidT);
  const vpid = w.modifier('volatile', '', cpid);
  const rcuTag = w.typeTag('rcu', task);
  const ptrRcuTask = w.ptr(rcuTag);
  const percpu = w.typeTag('percpu', fwdTask);
  const userTag = w.typeTag('user', percpu);
  const ptrTwoTags = w.ptr(userTag);
  const attrTag = w.typeTag('address_space(1)', 0, true);
  const ptrAttr = w.ptr(attrTag);
  const constTask = w.modifier('const', '', task);
  const ptrConstTask = w.ptr(constTask);
  const restrictPtr = w.modifier('restrict', '', ptrConstTask);
  const ptrFwd = w.ptr(fwdTask);
  const fwdU = w.fwd('some_union', true);
  const ptrFwdU = w.ptr(fwdU);
  const arr = w.array(u8, int, 16);
  const arr2 = w.array(arr, int, 2);
  const anonUnion = w.composite('union', '', 8, [
    { name: 'a', type: int, bitOffset: 0 },
    { name: 'b', type: dbl, bitOffset: 0 },
  ]);
  const en = w.enum('state', 4, [['S_RUN', 0], ['S_STOP', 1]]);
  const e64 = w.enum64('big', 8, [['BIG_NEG', -5n], ['BIG_POS', 1n << 40n]], true);
  const anonEnum = w.enum('', 4, [['ANON_A', 7]]);
  const proto = w.funcProto(ptrRcuTask, [
    { name: 'p', type: ptrRcuTask },
    { name: 'size__sz', type: uint },
  ]);
  const vproto = w.funcProto(int, [{ name: 'fmt', type: w.ptr(w.modifier('const', '', u8)) }], true);
  const fn = w.func('bpf_thing', proto);
  const ptrFn = w.ptr(vproto);
  const fnTd = w.modifier('typedef', 'printf_t', ptrFn);
  // kflag struct with bitfields.
  const kf = w.struct(
    'kf',
    24,
    [
      { name: 'x', type: uint, bitOffset: 0 },
      { name: 'lo', type: uint, bitOffset: 32, bitfieldSize: 3 },
      { name: 'mid', type: uint, bitOffset: 35, bitfieldSize: 13 },
      { name: 'flag', type: bool, bitOffset: 48, bitfieldSize: 1 },
      { name: '', type: anonUnion, bitOffset: 64 },
      { name: 'head', type: ptrTwoTags, bitOffset: 128 },
    ],
    true,
  );
  w.declTag('contains:foo:node', kf, 5);
  w.declTag('other', kf, 5);
  w.declTag('on_struct', kf, -1);
  // Legacy (non-kflag) bitfield: the member type is an INT with bits/offset.
  const bits3 = w.int('unsigned int', 4, { bits: 3, offset: 0 });
  const bits5at2 = w.int('unsigned int', 4, { bits: 5, offset: 2 });
  const legacy = w.struct('legacy', 8, [
    { name: 'a', type: bits3, bitOffset: 0 },
    { name: 'b', type: bits5at2, bitOffset: 1 },
    { name: 'c', type: int, bitOffset: 32 },
  ]);
  const mods = w.struct('mods', 48, [
    { name: 'pid', type: vpid, bitOffset: 0 },
    { name: 'task', type: ptrRcuTask, bitOffset: 64 },
    { name: 'tasks', type: arr2, bitOffset: 128 },
    { name: 'ct', type: restrictPtr, bitOffset: 384 },
  ]);
  const dupA = w.struct('dup', 4, [{ name: 'a', type: int, bitOffset: 0 }]);
  const dupB = w.struct('dup', 8, [{ name: 'b', type: int, bitOffset: 0 }]);
  const badBit = w.struct('bad', 4, [{ name: 'odd', type: int, bitOffset: 3 }]);
  const v = w.var('some_var', pidT);
  const ds = w.datasec('.data', 4, [{ type: v, offset: 0, size: 4 }]);
  return {
    btf: parseBtf(w.build()),
    ids: { int, uint, bool, dbl, task, fwdTask, vpid, ptrRcuTask, ptrTwoTags, ptrAttr, ptrConstTask, restrictPtr, ptrFwd, ptrFwdU, arr, arr2, anonUnion, en, e64, anonEnum, proto, vproto, fn, ptrFn, fnTd, kf, legacy, mods, dupA, dupB, badBit, v, ds },
  };
}

describe('btfToCType', () => {
  const { btf, ids } = sample();

  it('void, ints, floats', () => {
    expect(btfToCType(btf, 0)).toEqual({ kind: 'void' });
    expect(btfToCType(btf, ids.int)).toEqual(INT);
    expect(btfToCType(btf, ids.uint)).toEqual(UINT);
    expect(btfToCType(btf, ids.bool)).toEqual({ kind: 'int', name: '_Bool', size: 1, signed: false, bool: true });
    expect(btfToCType(btf, ids.dbl)).toEqual({ kind: 'float', name: 'double', size: 8 });
  });

  it('skips typedef / const / volatile / restrict', () => {
    expect(btfToCType(btf, ids.vpid)).toEqual(INT);
    expect(btfToCType(btf, ids.restrictPtr)).toEqual({ kind: 'ptr', to: ref('struct', 'task_struct') });
  });

  it('keeps type tags on the pointer, outermost first, and drops attribute tags', () => {
    expect(btfToCType(btf, ids.ptrRcuTask)).toEqual({ kind: 'ptr', to: ref('struct', 'task_struct'), tags: ['rcu'] });
    expect(btfToCType(btf, ids.ptrTwoTags)).toEqual({ kind: 'ptr', to: ref('struct', 'task_struct'), tags: ['user', 'percpu'] });
    expect(btfToCType(btf, ids.ptrAttr)).toEqual({ kind: 'ptr', to: { kind: 'void' } });
  });

  it('resolves FWD by name', () => {
    expect(btfToCType(btf, ids.ptrFwd)).toEqual({ kind: 'ptr', to: ref('struct', 'task_struct') });
    expect(btfToCType(btf, ids.ptrFwdU)).toEqual({ kind: 'ptr', to: ref('union', 'some_union') });
  });

  it('arrays, including nested', () => {
    const u8: CType = { kind: 'int', name: 'unsigned char', size: 1, signed: false };
    expect(btfToCType(btf, ids.arr)).toEqual({ kind: 'array', elem: u8, len: 16 });
    expect(btfToCType(btf, ids.arr2)).toEqual({ kind: 'array', elem: { kind: 'array', elem: u8, len: 16 }, len: 2 });
  });

  it('aggregates and enums are refs; anonymous ones get a synthetic name', () => {
    expect(btfToCType(btf, ids.task)).toEqual(ref('struct', 'task_struct'));
    expect(btfToCType(btf, ids.en)).toEqual(ref('enum', 'state'));
    expect(btfToCType(btf, ids.e64)).toEqual(ref('enum', 'big'));
    expect(btfToCType(btf, ids.anonUnion)).toEqual(ref('union', `__anon_${ids.anonUnion}`));
    expect(btfToCType(btf, ids.anonEnum)).toEqual(ref('enum', `__anon_${ids.anonEnum}`));
    const custom = createCTypeConverter(btf, { anonName: (id, tag) => `${tag}#${id}` });
    expect(custom.ctype(ids.anonUnion)).toEqual(ref('union', `union#${ids.anonUnion}`));
  });

  it('duplicate names: the lowest id keeps the name', () => {
    expect(btfToCType(btf, ids.dupA)).toEqual(ref('struct', 'dup'));
    expect(btfToCType(btf, ids.dupB)).toEqual(ref('struct', `dup__btf${ids.dupB}`));
    expect(btfToAggregate(btf, ids.dupB).name).toBe(`dup__btf${ids.dupB}`);
  });

  it('function prototypes, function pointers, variadics', () => {
    expect(btfToCType(btf, ids.fnTd)).toEqual({
      kind: 'ptr',
      to: {
        kind: 'func_proto',
        ret: INT,
        params: [{ name: 'fmt', type: { kind: 'ptr', to: { kind: 'int', name: 'unsigned char', size: 1, signed: false } } }],
        variadic: true,
      },
    });
    const taskPtr: CType = { kind: 'ptr', to: ref('struct', 'task_struct'), tags: ['rcu'] };
    expect(btfFuncSignature(btf, ids.fn)).toEqual({
      ret: taskPtr,
      params: [
        { name: 'p', type: taskPtr },
        { name: 'size__sz', type: UINT },
      ],
    });
    expect(btfFuncSignature(btf, ids.proto)).toEqual(btfFuncSignature(btf, ids.fn));
    expect(btfFuncSignature(btf, ids.fnTd).variadic).toBe(true);
    expect(btfToCType(btf, ids.fn)).toMatchObject({ kind: 'func_proto', params: [{ name: 'p' }, { name: 'size__sz' }] });
  });

  it('VAR converts to its type; DATASEC and DECL_TAG have none', () => {
    expect(btfToCType(btf, ids.v)).toEqual(INT);
    expect(() => btfToCType(btf, ids.ds)).toThrow(BtfParseError);
  });

  it('errors on misuse', () => {
    expect(() => btfToAggregate(btf, ids.int)).toThrow(/not a struct or union/);
    expect(() => btfToEnum(btf, ids.task)).toThrow(/not an enum/);
    expect(() => btfFuncSignature(btf, ids.int)).toThrow(/does not lead to a FUNC_PROTO/);
    expect(() => btfToCType(btf, btf.typeCount + 5)).toThrow(BtfParseError);
    expect(() => createCTypeConverter(btf).ref(ids.int)).toThrow(/not a struct, union or enum/);
  });
});

describe('btfToAggregate', () => {
  const { btf, ids } = sample();

  it('kflag bitfields, anonymous members, member decl tags', () => {
    const kf = btfToAggregate(btf, ids.kf);
    expect(kf).toEqual({
      kind: 'struct',
      name: 'kf',
      size: 24,
      members: [
        { name: 'x', type: UINT, offset: 0 },
        { name: 'lo', type: UINT, offset: 4, bitOffset: 0, bitSize: 3 },
        { name: 'mid', type: UINT, offset: 4, bitOffset: 3, bitSize: 13 },
        { name: 'flag', type: { kind: 'int', name: '_Bool', size: 1, signed: false, bool: true }, offset: 6, bitOffset: 0, bitSize: 1 },
        { name: '', type: ref('union', `__anon_${ids.anonUnion}`), offset: 8 },
        {
          name: 'head',
          type: { kind: 'ptr', to: ref('struct', 'task_struct'), tags: ['user', 'percpu'] },
          offset: 16,
          declTags: ['contains:foo:node', 'other'],
        },
      ],
    });
  });

  it('legacy INT-encoded bitfields', () => {
    const l = btfToAggregate(btf, ids.legacy);
    expect(l.members).toEqual([
      { name: 'a', type: UINT, offset: 0, bitOffset: 0, bitSize: 3 },
      { name: 'b', type: UINT, offset: 0, bitOffset: 3, bitSize: 5 },
      { name: 'c', type: INT, offset: 4 },
    ]);
  });

  it('members through modifiers, tagged pointers and nested arrays', () => {
    const m = btfToAggregate(btf, ids.mods);
    expect(m.members.map((x) => [x.name, x.offset])).toEqual([
      ['pid', 0],
      ['task', 8],
      ['tasks', 16],
      ['ct', 48],
    ]);
    expect(m.members[0]?.type).toEqual(INT);
    expect(m.members[1]?.type).toEqual({ kind: 'ptr', to: ref('struct', 'task_struct'), tags: ['rcu'] });
  });

  it('the anonymous union', () => {
    expect(btfToAggregate(btf, ids.anonUnion)).toEqual({
      kind: 'union',
      name: `__anon_${ids.anonUnion}`,
      size: 8,
      members: [
        { name: 'a', type: INT, offset: 0 },
        { name: 'b', type: { kind: 'float', name: 'double', size: 8 }, offset: 0 },
      ],
    });
  });

  it('rejects a non-bitfield member at a bit offset', () => {
    expect(() => btfToAggregate(btf, ids.badBit)).toThrow(/not a bitfield but starts at bit 3/);
  });
});

describe('btfToEnum', () => {
  const { btf, ids } = sample();
  it('ENUM and signed ENUM64', () => {
    expect(btfToEnum(btf, ids.en)).toEqual({
      kind: 'enum',
      name: 'state',
      size: 4,
      values: [
        { name: 'S_RUN', value: 0n },
        { name: 'S_STOP', value: 1n },
      ],
    });
    expect(btfToEnum(btf, ids.e64)).toEqual({
      kind: 'enum',
      name: 'big',
      size: 8,
      values: [
        { name: 'BIG_NEG', value: -5n },
        { name: 'BIG_POS', value: 1n << 40n },
      ],
    });
  });
});

describe('conversion never crashes on corrupt input', () => {
  it('only BtfParseError from parse or convert', () => {
    const w = new BtfWriter();
    const int = w.int('int', 4, { signed: true });
    const td = w.modifier('typedef', 't', int);
    const s = w.struct('s', 8, [{ name: 'a', type: td, bitOffset: 0 }, { name: 'b', type: w.ptr(td), bitOffset: 32, bitfieldSize: 0 }], true);
    w.func('f', w.funcProto(w.ptr(s), [{ name: 'x', type: td }]));
    const blob = w.build();
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const b = blob.slice();
      b[24 + rand(b.length - 24)] = rand(256);
      try {
        const btf = parseBtf(b);
        const conv = createCTypeConverter(btf);
        for (const t of btf.ownTypes()) {
          try {
            conv.ctype(t.id);
            if (t.kind === 'struct' || t.kind === 'union') conv.aggregate(t.id);
            if (t.kind === 'func') conv.funcSignature(t.id);
          } catch (e) {
            expect(e).toBeInstanceOf(BtfParseError);
          }
        }
      } catch (e) {
        expect(e).toBeInstanceOf(BtfParseError);
      }
    }
  });

  it('a cyclic typedef chain is a clean error', () => {
    const w = new BtfWriter();
    // typedef a -> typedef b -> typedef a
    w.raw(8, 'a', 0, false, 2);
    w.raw(8, 'b', 0, false, 1);
    const btf = parseBtf(w.build());
    expect(() => btfToCType(btf, 1)).toThrow(/too long or cyclic/);
  });
});
