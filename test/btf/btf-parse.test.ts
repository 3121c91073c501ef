import { describe, expect, it } from 'vitest';
import { BtfParseError, parseBtf, skipModifiers, type BtfType } from '../../src/btf/btf-parse.ts';
import { BtfWriter } from './btf-writer.ts';

/** A blob with one of every kind; returns the writer's ids too. */
function everyKind() {
  const w = new BtfWriter();
  const ids = {
    int: w.int('int', 4, { signed: true }),
    uchar: w.int('unsigned char', 1, { char: true }),
    bool: w.int('_Bool', 1, { bool: true }),
    long: w.int('long', 8, { signed: true }),
  };
  const ptr = w.ptr(ids.int);
  const arr = w.array(ids.uchar, ids.int, 16);
  const st = w.struct('s', 24, [
    { name: 'a', type: ids.int, bitOffset: 0 },
    { name: 'b', type: ids.int, bitOffset: 32, bitfieldSize: 3 },
    { name: 'c', type: ids.int, bitOffset: 35, bitfieldSize: 29 },
    { name: 'p', type: ptr, bitOffset: 64 },
    { name: 'arr', type: arr, bitOffset: 128 },
  ], true);
  const un = w.composite('union', 'u', 8, [
    { name: 'x', type: ids.int, bitOffset: 0 },
    { name: 'y', type: ids.long, bitOffset: 0 },
  ]);
  const en = w.enum('e', 4, [['E_A', 0], ['E_B', -1]], true);
  const enu = w.enum('eu', 4, [['EU_MAX', 0xffffffff]]);
  const e64 = w.enum64('e64', 8, [['BIG', 0x1_0000_0001n], ['NEG', -2n]], true);
  const e64u = w.enum64('e64u', 8, [['TOP', 0xffff_ffff_ffff_ffffn]]);
  const fwdS = w.fwd('fs');
  const fwdU = w.fwd('fu', true);
  const td = w.modifier('typedef', 'myint', ids.int);
  const vol = w.modifier('volatile', '', td);
  const cst = w.modifier('const', '', vol);
  const rst = w.modifier('restrict', '', ptr);
  const proto = w.funcProto(ids.int, [{ name: 'p', type: ptr }, { name: 'n', type: ids.long }]);
  const vproto = w.funcProto(0, [{ name: 'fmt', type: ptr }], true);
  const fn = w.func('f', proto, 1);
  const fnStatic = w.func('g', vproto, 0);
  const fnExtern = w.func('h', proto, 2);
  const v = w.var('v', ids.int, 1);
  const ds = w.datasec('.data', 4, [{ type: v, offset: 0, size: 4 }]);
  const flt = w.float('double', 8);
  const tagS = w.declTag('tag_on_struct', st);
  const tagM = w.declTag('contains:foo:node', st, 3);
  const tagP = w.declTag('param_tag', fn, 1);
  const tagF = w.declTag('bpf_kfunc', fn);
  const tt = w.typeTag('rcu', st);
  const ttAttr = w.typeTag('address_space(1)', 0, true);
  return {
    w,
    ids: { ...ids, ptr, arr, st, un, en, enu, e64, e64u, fwdS, fwdU, td, vol, cst, rst, proto, vproto, fn, fnStatic, fnExtern, v, ds, flt, tagS, tagM, tagP, tagF, tt, ttAttr },
  };
}

describe('parseBtf: every kind', () => {
  for (const littleEndian of [true, false]) {
    describe(littleEndian ? 'little endian' : 'big endian', () => {
      const { w, ids } = everyKind();
      const btf = parseBtf(w.build({ littleEndian }));

      it('reads the header', () => {
        expect(btf.littleEndian).toBe(littleEndian);
        expect(btf.header.version).toBe(1);
        expect(btf.header.hdrLen).toBe(24);
        expect(btf.startId).toBe(1);
        expect(btf.typeCount).toBe(ids.ttAttr + 1);
        expect(btf.ownTypes()).toHaveLength(ids.ttAttr);
      });

      it('INT encodings', () => {
        expect(btf.type(ids.int)).toMatchObject({ kind: 'int', name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
        expect(btf.type(ids.uchar)).toMatchObject({ kind: 'int', signed: false, char: true, bits: 8 });
        expect(btf.type(ids.bool)).toMatchObject({ kind: 'int', bool: true, size: 1 });
      });

      it('PTR and ARRAY', () => {
        expect(btf.type(ids.ptr)).toMatchObject({ kind: 'ptr', name: '', type: ids.int });
        expect(btf.type(ids.arr)).toMatchObject({ kind: 'array', elemType: ids.uchar, indexType: ids.int, nelems: 16 });
      });

      it('STRUCT with kflag bitfields and UNION', () => {
        const s = btf.type(ids.st);
        expect(s).toMatchObject({ kind: 'struct', name: 's', size: 24, kflag: true, vlen: 5 });
        if (s.kind !== 'struct') throw new Error('not a struct');
        expect(s.members).toEqual([
          { name: 'a', type: ids.int, bitOffset: 0, bitfieldSize: 0 },
          { name: 'b', type: ids.int, bitOffset: 32, bitfieldSize: 3 },
          { name: 'c', type: ids.int, bitOffset: 35, bitfieldSize: 29 },
          { name: 'p', type: ids.ptr, bitOffset: 64, bitfieldSize: 0 },
          { name: 'arr', type: ids.arr, bitOffset: 128, bitfieldSize: 0 },
        ]);
        expect(btf.type(ids.un)).toMatchObject({ kind: 'union', size: 8, members: [{ name: 'x' }, { name: 'y' }] });
      });

      it('ENUM signed and unsigned, ENUM64', () => {
        expect(btf.type(ids.en)).toMatchObject({ kind: 'enum', signed: true, values: [{ name: 'E_A', value: 0n }, { name: 'E_B', value: -1n }] });
        expect(btf.type(ids.enu)).toMatchObject({ kind: 'enum', signed: false, values: [{ name: 'EU_MAX', value: 0xffffffffn }] });
        expect(btf.type(ids.e64)).toMatchObject({ kind: 'enum64', size: 8, signed: true, values: [{ name: 'BIG', value: 0x1_0000_0001n }, { name: 'NEG', value: -2n }] });
        expect(btf.type(ids.e64u)).toMatchObject({ kind: 'enum64', signed: false, values: [{ name: 'TOP', value: 0xffff_ffff_ffff_ffffn }] });
      });

      it('FWD struct / union', () => {
        expect(btf.type(ids.fwdS)).toMatchObject({ kind: 'fwd', name: 'fs', fwdKind: 'struct' });
        expect(btf.type(ids.fwdU)).toMatchObject({ kind: 'fwd', name: 'fu', fwdKind: 'union' });
      });

      it('modifiers', () => {
        expect(btf.type(ids.td)).toMatchObject({ kind: 'typedef', name: 'myint', type: ids.int });
        expect(btf.type(ids.vol)).toMatchObject({ kind: 'volatile', type: ids.td });
        expect(btf.type(ids.cst)).toMatchObject({ kind: 'const', type: ids.vol });
        expect(btf.type(ids.rst)).toMatchObject({ kind: 'restrict', type: ids.ptr });
        expect(skipModifiers(btf, ids.cst)).toBe(ids.int);
        expect(skipModifiers(btf, ids.tt)).toBe(ids.st);
        expect(skipModifiers(btf, 0)).toBe(0);
      });

      it('FUNC linkage and FUNC_PROTO (variadic)', () => {
        expect(btf.type(ids.fn)).toMatchObject({ kind: 'func', name: 'f', type: ids.proto, linkage: 'global' });
        expect(btf.type(ids.fnStatic)).toMatchObject({ linkage: 'static' });
        expect(btf.type(ids.fnExtern)).toMatchObject({ linkage: 'extern' });
        expect(btf.type(ids.proto)).toMatchObject({ kind: 'func_proto', ret: ids.int, variadic: false, params: [{ name: 'p', type: ids.ptr }, { name: 'n', type: ids.long }] });
        expect(btf.type(ids.vproto)).toMatchObject({ kind: 'func_proto', ret: 0, variadic: true, params: [{ name: 'fmt', type: ids.ptr }] });
      });

      it('VAR, DATASEC, FLOAT', () => {
        expect(btf.type(ids.v)).toMatchObject({ kind: 'var', name: 'v', type: ids.int, linkage: 'global' });
        expect(btf.type(ids.ds)).toMatchObject({ kind: 'datasec', name: '.data', size: 4, vars: [{ type: ids.v, offset: 0, size: 4 }] });
        expect(btf.type(ids.flt)).toMatchObject({ kind: 'float', name: 'double', size: 8 });
      });

      it('DECL_TAG with component_idx, indexed by target', () => {
        expect(btf.type(ids.tagM)).toMatchObject({ kind: 'decl_tag', name: 'contains:foo:node', type: ids.st, componentIdx: 3, attribute: false });
        expect(btf.declTags(ids.st).map((t) => [t.value, t.componentIdx])).toEqual([
          ['tag_on_struct', -1],
          ['contains:foo:node', 3],
        ]);
        expect(btf.declTags(ids.st, -1).map((t) => t.value)).toEqual(['tag_on_struct']);
        expect(btf.declTags(ids.st, 3)).toEqual([{ id: ids.tagM, componentIdx: 3, value: 'contains:foo:node' }]);
        expect(btf.declTags(ids.st, 0)).toEqual([]);
        expect(btf.declTags(ids.fn, 1).map((t) => t.value)).toEqual(['param_tag']);
        expect(btf.declTags(ids.fn, -1).map((t) => t.value)).toEqual(['bpf_kfunc']);
        expect(btf.declTags(ids.int)).toEqual([]);
      });

      it('TYPE_TAG (btf_type_tag and attribute)', () => {
        expect(btf.type(ids.tt)).toMatchObject({ kind: 'type_tag', name: 'rcu', type: ids.st, attribute: false });
        expect(btf.type(ids.ttAttr)).toMatchObject({ kind: 'type_tag', name: 'address_space(1)', type: 0, attribute: true });
      });

      it('name lookup by kind', () => {
        expect(btf.find('struct', 's')).toBe(ids.st);
        expect(btf.find('union', 's')).toBeUndefined();
        expect(btf.find('func', 'f')).toBe(ids.fn);
        expect(btf.find('typedef', 'myint')).toBe(ids.td);
        expect(btf.find('enum64', 'e64')).toBe(ids.e64);
        expect(btf.findAll('struct', 'nope')).toEqual([]);
      });

      it('id 0 and unknown ids', () => {
        expect(btf.maybeType(0)).toBeUndefined();
        expect(btf.maybeType(btf.typeCount)).toBeUndefined();
        expect(btf.maybeType(-1)).toBeUndefined();
        expect(btf.maybeType(1.5)).toBeUndefined();
        expect(() => btf.type(0)).toThrow(BtfParseError);
        expect(() => btf.type(btf.typeCount)).toThrow(/no BTF type with id/);
      });
    });
  }
});

describe('parseBtf: lookups and layout variants', () => {
  it('keeps every duplicate name, lowest id first', () => {
    const w = new BtfWriter();
    const int = w.int('int', 4, { signed: true });
    const a = w.struct('dup', 4, [{ name: 'x', type: int, bitOffset: 0 }]);
    const b = w.struct('dup', 8, [{ name: 'y', type: int, bitOffset: 0 }]);
    const u = w.composite('union', 'dup', 4, []);
    const btf = parseBtf(w.build());
    expect(btf.findAll('struct', 'dup')).toEqual([a, b]);
    expect(btf.find('struct', 'dup')).toBe(a);
    expect(btf.find('union', 'dup')).toBe(u);
  });

  it('accepts a longer header and ignores the extra bytes', () => {
    const w = new BtfWriter();
    const int = w.int('int', 4, { signed: true });
    const btf = parseBtf(w.build({ hdrLen: 32 }));
    expect(btf.header.hdrLen).toBe(32);
    expect(btf.type(int).name).toBe('int');
  });

  it('parses from a Uint8Array view at a non-zero offset', () => {
    const w = new BtfWriter();
    const int = w.int('int', 4, { signed: true });
    const blob = w.build();
    const padded = new Uint8Array(blob.length + 8);
    padded.set(blob, 5);
    const btf = parseBtf(padded.subarray(5, 5 + blob.length));
    expect(btf.type(int).name).toBe('int');
  });

  it('parses split BTF on top of a base', () => {
    const bw = new BtfWriter();
    const int = bw.int('int', 4, { signed: true });
    const task = bw.struct('task_struct', 8, [{ name: 'pid', type: int, bitOffset: 0 }]);
    const baseBlob = bw.build();
    const base = parseBtf(baseBlob);
    const sw = new BtfWriter(base.typeCount, base.strLenTotal);
    const ptr = sw.ptr(task);
    const proto = sw.funcProto(ptr, [{ name: 'p', type: ptr }]);
    const fn = sw.func('bpf_kfunc_call_test', proto);
    sw.declTag('bpf_kfunc', fn);
    sw.declTag('extra', task);
    const split = parseBtf(sw.build(), { base });
    expect(split.startId).toBe(base.typeCount);
    expect(split.type(int).name).toBe('int');
    expect(split.type(fn)).toMatchObject({ kind: 'func', name: 'bpf_kfunc_call_test' });
    expect(split.find('struct', 'task_struct')).toBe(task);
    expect(split.findAll('func', 'bpf_kfunc_call_test')).toEqual([fn]);
    expect(split.declTags(fn, -1).map((t) => t.value)).toEqual(['bpf_kfunc']);
    expect(split.declTags(task).map((t) => t.value)).toEqual(['extra']);
    expect(split.ownTypes().map((t: BtfType) => t.id)).toEqual([ptr, proto, fn, fn + 1, fn + 2]);
    expect(split.str(base.strLenTotal)).toBe('p');
    expect(() => split.str(split.strLenTotal)).toThrow(BtfParseError);
  });

  it('an empty type section is fine', () => {
    const btf = parseBtf(new BtfWriter().build());
    expect(btf.typeCount).toBe(1);
    expect(btf.ownTypes()).toEqual([]);
  });
});

describe('parseBtf: malformed input', () => {
  const good = (): Uint8Array => {
    const w = new BtfWriter();
    const int = w.int('int', 4, { signed: true });
    w.struct('s', 4, [{ name: 'a', type: int, bitOffset: 0 }]);
    return w.build();
  };
  const withHeader = (mut: (v: DataView) => void): Uint8Array => {
    const b = good().slice();
    mut(new DataView(b.buffer));
    return b;
  };

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty input', () => new Uint8Array(0), /truncated BTF header/],
    ['short header', () => good().subarray(0, 10), /truncated BTF header/],
    ['bad magic', () => withHeader((v) => v.setUint16(0, 0x1234, true)), /bad BTF magic/],
    ['bad version', () => withHeader((v) => v.setUint8(2, 2)), /unsupported BTF version 2/],
    ['hdr_len too small', () => withHeader((v) => v.setUint32(4, 8, true)), /hdr_len 8/],
    ['hdr_len beyond input', () => withHeader((v) => v.setUint32(4, 100000, true)), /truncated BTF header/],
    ['type section beyond input', () => withHeader((v) => v.setUint32(12, 4096, true)), /truncated BTF type section/],
    ['string section beyond input', () => withHeader((v) => v.setUint32(20, 4096, true)), /truncated BTF string section/],
    ['truncated file', () => good().subarray(0, good().length - 3), /truncated BTF string section/],
    ['misaligned type section', () => withHeader((v) => v.setUint32(8, 2, true)), /aligned|multiple of 4|overlap/],
    ['overlapping sections', () => withHeader((v) => v.setUint32(16, 0, true)), /overlap/],
  ];
  for (const [what, make, msg] of cases) {
    it(what, () => {
      expect(() => parseBtf(make())).toThrow(BtfParseError);
      expect(() => parseBtf(make())).toThrow(msg);
    });
  }

  it('a record running past the type section', () => {
    const w = new BtfWriter();
    // A struct claiming 3 members but carrying data for one.
    w.raw(4, 's', 3, false, 4, [0, 0, 0]);
    expect(() => parseBtf(w.build())).toThrow(/truncated BTF type 1 .* needs 48 bytes, 24 left/);
  });

  it('a record cut inside the fixed part', () => {
    const w = new BtfWriter();
    w.int('int', 4);
    const b = w.build();
    const v = new DataView(b.buffer);
    v.setUint32(12, 8, true); // type_len 8 < 16
    expect(() => parseBtf(b)).toThrow(/truncated BTF type 1/);
  });

  it('an unknown kind', () => {
    for (const kind of [0, 20, 31]) {
      const w = new BtfWriter();
      w.raw(kind, 'x', 0, false, 0);
      expect(() => parseBtf(w.build())).toThrow(new RegExp(`unknown kind ${kind}`));
    }
  });

  it('a name offset outside the string section', () => {
    const w = new BtfWriter();
    w.raw(1, 9999, 0, false, 4, [32]);
    expect(() => parseBtf(w.build())).toThrow(/string offset 9999 is outside/);
  });

  it('a member name offset outside the string section', () => {
    const w = new BtfWriter();
    const int = w.int('int', 4);
    w.raw(4, 's', 1, false, 4, [5000, int, 0]);
    expect(() => parseBtf(w.build())).toThrow(/BTF type 2 .*string offset 5000/);
  });

  it('a string section without the leading NUL', () => {
    const w = new BtfWriter();
    w.int('int', 4);
    expect(() => parseBtf(w.build({ leadingNul: false }))).toThrow(/must start with an empty string/);
  });

  it('a string section that is not NUL-terminated', () => {
    const b = good().slice();
    b[b.length - 1] = 0x41;
    expect(() => parseBtf(b)).toThrow(/not NUL-terminated/);
  });

  it('a reference to a nonexistent type', () => {
    const w = new BtfWriter();
    w.ptr(7);
    expect(() => parseBtf(w.build())).toThrow(/BTF type 1 \(ptr\) type refers to nonexistent type 7/);
    const w2 = new BtfWriter();
    w2.struct('s', 4, [{ name: 'a', type: 42, bitOffset: 0 }]);
    expect(() => parseBtf(w2.build())).toThrow(/member 0 refers to nonexistent type 42/);
  });

  it('a bad FUNC or VAR linkage', () => {
    const w = new BtfWriter();
    const p = w.funcProto(0, []);
    w.func('f', p, 3);
    expect(() => parseBtf(w.build())).toThrow(/bad FUNC linkage 3/);
    const w2 = new BtfWriter();
    const int = w2.int('int', 4);
    w2.var('v', int, 9);
    expect(() => parseBtf(w2.build())).toThrow(/bad VAR linkage 9/);
  });

  it('never crashes on random corruption: only BtfParseError, or a parse', () => {
    const { w } = everyKind();
    const blob = w.build();
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const b = blob.slice(0, rand(4) === 0 ? rand(blob.length + 1) : blob.length);
      const flips = 1 + rand(4);
      for (let j = 0; j < flips && b.length > 0; j++) b[rand(b.length)] = rand(256);
      try {
        const btf = parseBtf(b);
        for (const t of btf.ownTypes()) btf.declTags(t.id);
      } catch (e) {
        expect(e).toBeInstanceOf(BtfParseError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });
});
