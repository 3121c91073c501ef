// A pure parser of raw BTF bytes (the format of /sys/kernel/btf/vmlinux and of a .BTF ELF
// section), written from the UAPI description in include/uapi/linux/btf.h. No Node APIs: it runs
// in the browser too. Every read is bounds-checked, so malformed input raises a BtfParseError
// with a message naming what is wrong and where, never an out-of-range read.
//
// Layout reminder: a header (magic 0xeB9F, version 1, hdr_len, then type and string section
// offsets/lengths relative to the end of the header), a type section of variable-length records
// (btf_type followed by kind-specific data) and a string section of NUL-terminated strings
// starting with an empty string. Type ids are 1-based in record order; id 0 is void. Split BTF
// (kernel modules) continues the ids and string offsets of its base BTF.

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
/** The size of the header this parser knows; a longer hdr_len is accepted (newer fields ignored). */
export const BTF_HEADER_MIN_LEN = 24;

/** BTF kind numbers (BTF_KIND_* in include/uapi/linux/btf.h). */
export const BTF_KIND = {
  unkn: 0,
  int: 1,
  ptr: 2,
  array: 3,
  struct: 4,
  union: 5,
  enum: 6,
  fwd: 7,
  typedef: 8,
  volatile: 9,
  const: 10,
  restrict: 11,
  func: 12,
  func_proto: 13,
  var: 14,
  datasec: 15,
  float: 16,
  decl_tag: 17,
  type_tag: 18,
  enum64: 19,
} as const;

export type BtfKind = Exclude<keyof typeof BTF_KIND, 'unkn'>;

const KIND_BY_NUMBER: readonly (BtfKind | undefined)[] = (() => {
  const out: (BtfKind | undefined)[] = [];
  for (const [name, num] of Object.entries(BTF_KIND)) {
    if (name !== 'unkn') out[num] = name as BtfKind;
  }
  return out;
})();

export const btfKindName = (kind: number): BtfKind | undefined => KIND_BY_NUMBER[kind];

/** BTF_INT_ENCODING bits. */
export const BTF_INT_SIGNED = 1;
export const BTF_INT_CHAR = 2;
export const BTF_INT_BOOL = 4;

export type BtfLinkage = 'static' | 'global' | 'extern';
const LINKAGES: readonly BtfLinkage[] = ['static', 'global', 'extern'];

export class BtfParseError extends Error {
  override name = 'BtfParseError';
}

export interface BtfHeader {
  magic: number;
  version: number;
  flags: number;
  hdrLen: number;
  typeOff: number;
  typeLen: number;
  strOff: number;
  strLen: number;
}

interface BtfTypeCommon {
  /** 1-based type id (continuing the base's ids for split BTF). */
  id: number;
  /** The name ('' when anonymous). */
  name: string;
  /** The raw name offset into the (combined) string section. */
  nameOff: number;
  /** Bit 31 of info. Its meaning depends on the kind; decoded into the kind fields below. */
  kflag: boolean;
  /** Bits 0-15 of info, as encoded. */
  vlen: number;
}

export interface BtfInt extends BtfTypeCommon {
  kind: 'int';
  size: number;
  /** BTF_INT_ENCODING bits (BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL). */
  encoding: number;
  signed: boolean;
  char: boolean;
  bool: boolean;
  /** BTF_INT_OFFSET: bit offset of the value inside the storage (legacy bitfield encoding). */
  bitOffset: number;
  /** BTF_INT_BITS: number of value bits. */
  bits: number;
}

export interface BtfPtr extends BtfTypeCommon {
  kind: 'ptr';
  type: number;
}

export interface BtfArray extends BtfTypeCommon {
  kind: 'array';
  elemType: number;
  indexType: number;
  nelems: number;
}

export interface BtfMember {
  name: string;
  type: number;
  /** Bit offset of the member from the start of the aggregate. */
  bitOffset: number;
  /** Bitfield width when the aggregate's kflag is set and the member is a bitfield; else 0. */
  bitfieldSize: number;
}

export interface BtfComposite extends BtfTypeCommon {
  kind: 'struct' | 'union';
  size: number;
  members: BtfMember[];
}

export interface BtfEnumValue {
  name: string;
  value: bigint;
}

export interface BtfEnum extends BtfTypeCommon {
  kind: 'enum' | 'enum64';
  size: number;
  /** kflag: the values are signed. */
  signed: boolean;
  values: BtfEnumValue[];
}

export interface BtfFwd extends BtfTypeCommon {
  kind: 'fwd';
  /** kflag: 0 = struct, 1 = union. */
  fwdKind: 'struct' | 'union';
}

export interface BtfModifier extends BtfTypeCommon {
  kind: 'typedef' | 'volatile' | 'const' | 'restrict';
  type: number;
}

export interface BtfFunc extends BtfTypeCommon {
  kind: 'func';
  /** The FUNC_PROTO id. */
  type: number;
  /** vlen of a FUNC is its linkage. */
  linkage: BtfLinkage;
}

export interface BtfParam {
  name: string;
  type: number;
}

export interface BtfFuncProto extends BtfTypeCommon {
  kind: 'func_proto';
  /** Return type id (0 = void). */
  ret: number;
  /** Parameters, without the trailing variadic marker. */
  params: BtfParam[];
  /** The last encoded param had name 0 and type 0 ("..."). */
  variadic: boolean;
}

export interface BtfVar extends BtfTypeCommon {
  kind: 'var';
  type: number;
  linkage: BtfLinkage;
}

export interface BtfVarSecinfo {
  type: number;
  offset: number;
  size: number;
}

export interface BtfDatasec extends BtfTypeCommon {
  kind: 'datasec';
  size: number;
  vars: BtfVarSecinfo[];
}

export interface BtfFloat extends BtfTypeCommon {
  kind: 'float';
  size: number;
}

export interface BtfDeclTag extends BtfTypeCommon {
  kind: 'decl_tag';
  /** The tagged type (struct, union, func, var, typedef). */
  type: number;
  /** -1 for the type itself, else the member / parameter index. */
  componentIdx: number;
  /** kflag: the tag is a plain __attribute__ rather than btf_decl_tag. */
  attribute: boolean;
}

export interface BtfTypeTag extends BtfTypeCommon {
  kind: 'type_tag';
  type: number;
  /** kflag: the tag is a plain __attribute__ rather than btf_type_tag. */
  attribute: boolean;
}

export type BtfType =
  | BtfInt
  | BtfPtr
  | BtfArray
  | BtfComposite
  | BtfEnum
  | BtfFwd
  | BtfModifier
  | BtfFunc
  | BtfFuncProto
  | BtfVar
  | BtfDatasec
  | BtfFloat
  | BtfDeclTag
  | BtfTypeTag;

export interface BtfDeclTagRef {
  /** The DECL_TAG's own type id. */
  id: number;
  componentIdx: number;
  value: string;
}

export interface ParsedBtf {
  readonly header: BtfHeader;
  readonly littleEndian: boolean;
  /** The base BTF for split BTF, else undefined. */
  readonly base: ParsedBtf | undefined;
  /** First type id defined by this BTF (1, or base.typeCount for split BTF). */
  readonly startId: number;
  /** One past the largest valid type id (void counts: ids are 0 .. typeCount-1). */
  readonly typeCount: number;
  /** The type with that id (from the base for split BTF); throws on void or an unknown id. */
  type(id: number): BtfType;
  /** Like type() but undefined for void or an unknown id. */
  maybeType(id: number): BtfType | undefined;
  /** All types defined in this BTF (not the base's), in id order. */
  ownTypes(): readonly BtfType[];
  /** Ids of every type of that kind and name, ascending (base first). */
  findAll(kind: BtfKind, name: string): number[];
  /** The lowest id of that kind and name. */
  find(kind: BtfKind, name: string): number | undefined;
  /** Decl tags attached to a type id; componentIdx -1 = on the type itself, undefined = all. */
  declTags(target: number, componentIdx?: number): BtfDeclTagRef[];
  /** The string at an offset of the (combined) string section; throws when out of range. */
  str(off: number): string;
  /** Length of the combined string section (the base's plus this one's). */
  readonly strLenTotal: number;
}

export interface ParseBtfOptions {
  /** The base BTF when parsing split BTF (e.g. a module's BTF on top of vmlinux). */
  base?: ParsedBtf;
}

const BTF_TYPE_SIZE = 12;

/** Parses raw BTF bytes. Throws BtfParseError on malformed input. */
export function parseBtf(bytes: Uint8Array, options: ParseBtfOptions = {}): ParsedBtf {
  const base = options.base;
  if (bytes.byteLength < BTF_HEADER_MIN_LEN) {
    throw new BtfParseError(
      `truncated BTF header: ${bytes.byteLength} bytes, need at least ${BTF_HEADER_MIN_LEN}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le: boolean;
  if (view.getUint16(0, true) === BTF_MAGIC) le = true;
  else if (view.getUint16(0, false) === BTF_MAGIC) le = false;
  else {
    throw new BtfParseError(
      `bad BTF magic 0x${view.getUint16(0, true).toString(16).padStart(4, '0')} (expected 0xeb9f in either byte order)`,
    );
  }
  const header: BtfHeader = {
    magic: BTF_MAGIC,
    version: view.getUint8(2),
    flags: view.getUint8(3),
    hdrLen: view.getUint32(4, le),
    typeOff: view.getUint32(8, le),
    typeLen: view.getUint32(12, le),
    strOff: view.getUint32(16, le),
    strLen: view.getUint32(20, le),
  };
  if (header.version !== BTF_VERSION) {
    throw new BtfParseError(`unsupported BTF version ${header.version} (expected ${BTF_VERSION})`);
  }
  if (header.hdrLen < BTF_HEADER_MIN_LEN) {
    throw new BtfParseError(`BTF hdr_len ${header.hdrLen} is shorter than ${BTF_HEADER_MIN_LEN}`);
  }
  if (header.hdrLen > bytes.byteLength) {
    throw new BtfParseError(
      `truncated BTF header: hdr_len ${header.hdrLen} exceeds the ${bytes.byteLength} bytes given`,
    );
  }
  const dataLen = bytes.byteLength - header.hdrLen;
  const checkSection = (what: string, off: number, len: number): void => {
    if (off + len > dataLen) {
      throw new BtfParseError(
        `truncated BTF ${what} section: offset ${off} + length ${len} exceeds the ${dataLen} bytes after the header`,
      );
    }
  };
  checkSection('type', header.typeOff, header.typeLen);
  checkSection('string', header.strOff, header.strLen);
  if (header.typeOff % 4 !== 0) {
    throw new BtfParseError(`BTF type section offset ${header.typeOff} is not 4-byte aligned`);
  }
  if (header.typeLen % 4 !== 0) {
    throw new BtfParseError(`BTF type section length ${header.typeLen} is not a multiple of 4`);
  }
  if (
    header.typeLen > 0 &&
    header.strLen > 0 &&
    header.typeOff < header.strOff + header.strLen &&
    header.strOff < header.typeOff + header.typeLen
  ) {
    throw new BtfParseError('BTF type and string sections overlap');
  }

  // ---- strings ----
  const strStart = header.hdrLen + header.strOff;
  const strBytes = bytes.subarray(strStart, strStart + header.strLen);
  const baseStrLen = base ? base.strLenTotal : 0;
  // Split BTF: offsets at or above the base's string length index this section.
  if (!base && (header.strLen === 0 || strBytes[0] !== 0)) {
    throw new BtfParseError('BTF string section must start with an empty string (a NUL byte)');
  }
  if (header.strLen > 0 && strBytes[header.strLen - 1] !== 0) {
    throw new BtfParseError('BTF string section is not NUL-terminated');
  }
  const decoder = new TextDecoder('utf-8');
  const strCache = new Map<number, string>();
  const ownStr = (off: number): string => {
    const cached = strCache.get(off);
    if (cached !== undefined) return cached;
    if (off < 0 || off >= header.strLen) {
      throw new BtfParseError(
        `BTF string offset ${off + baseStrLen} is outside the string section (length ${baseStrLen + header.strLen})`,
      );
    }
    const end = strBytes.indexOf(0, off);
    // end >= 0 is guaranteed by the NUL-terminated check above.
    const s = decoder.decode(strBytes.subarray(off, end));
    strCache.set(off, s);
    return s;
  };
  const str = (off: number): string => {
    if (base && off < baseStrLen) return base.str(off);
    return ownStr(off - baseStrLen);
  };

  // ---- types ----
  const startId = base ? base.typeCount : 1;
  const own: BtfType[] = [];
  const typeStart = header.hdrLen + header.typeOff;
  const typeEnd = typeStart + header.typeLen;
  let pos = typeStart;
  const u32 = (at: number): number => view.getUint32(at, le);
  const s32 = (at: number): number => view.getInt32(at, le);
  while (pos < typeEnd) {
    const id = startId + own.length;
    const where = (): string => `BTF type ${id} at type-section offset ${pos - typeStart}`;
    const need = (n: number): void => {
      if (pos + n > typeEnd) {
        throw new BtfParseError(`truncated ${where()}: needs ${n} bytes, ${typeEnd - pos} left`);
      }
    };
    need(BTF_TYPE_SIZE);
    const nameOff = u32(pos);
    const info = u32(pos + 4);
    const sizeOrType = u32(pos + 8);
    const vlen = info & 0xffff;
    const kindNum = (info >>> 24) & 0x1f;
    const kflag = info >>> 31 === 1;
    const kind = KIND_BY_NUMBER[kindNum];
    if (kind === undefined) throw new BtfParseError(`${where()} has unknown kind ${kindNum}`);
    let name: string;
    try {
      name = str(nameOff);
    } catch (e) {
      throw new BtfParseError(`${where()}: ${(e as Error).message}`);
    }
    const common = { id, name, nameOff, kflag, vlen };
    const d = pos + BTF_TYPE_SIZE; // start of the kind-specific data
    const strAt = (off: number): string => {
      try {
        return str(off);
      } catch (e) {
        throw new BtfParseError(`${where()}: ${(e as Error).message}`);
      }
    };
    let t: BtfType;
    let extra = 0;
    switch (kind) {
      case 'int': {
        extra = 4;
        need(BTF_TYPE_SIZE + extra);
        const v = u32(d);
        const encoding = (v >>> 24) & 0x0f;
        t = {
          ...common,
          kind,
          size: sizeOrType,
          encoding,
          signed: (encoding & BTF_INT_SIGNED) !== 0,
          char: (encoding & BTF_INT_CHAR) !== 0,
          bool: (encoding & BTF_INT_BOOL) !== 0,
          bitOffset: (v >>> 16) & 0xff,
          bits: v & 0xff,
        };
        break;
      }
      case 'ptr':
        t = { ...common, kind, type: sizeOrType };
        break;
      case 'array':
        extra = 12;
        need(BTF_TYPE_SIZE + extra);
        t = { ...common, kind, elemType: u32(d), indexType: u32(d + 4), nelems: u32(d + 8) };
        break;
      case 'struct':
      case 'union': {
        extra = vlen * 12;
        need(BTF_TYPE_SIZE + extra);
        const members: BtfMember[] = [];
        for (let i = 0; i < vlen; i++) {
          const m = d + i * 12;
          const off = u32(m + 8);
          members.push({
            name: strAt(u32(m)),
            type: u32(m + 4),
            bitOffset: kflag ? off & 0xffffff : off,
            bitfieldSize: kflag ? off >>> 24 : 0,
          });
        }
        t = { ...common, kind, size: sizeOrType, members };
        break;
      }
      case 'enum': {
        extra = vlen * 8;
        need(BTF_TYPE_SIZE + extra);
        const values: BtfEnumValue[] = [];
        for (let i = 0; i < vlen; i++) {
          const e = d + i * 8;
          const value = kflag ? BigInt(s32(e + 4)) : BigInt(u32(e + 4));
          values.push({ name: strAt(u32(e)), value });
        }
        t = { ...common, kind, size: sizeOrType, signed: kflag, values };
        break;
      }
      case 'enum64': {
        extra = vlen * 12;
        need(BTF_TYPE_SIZE + extra);
        const values: BtfEnumValue[] = [];
        for (let i = 0; i < vlen; i++) {
          const e = d + i * 12;
          const raw = (BigInt(u32(e + 8)) << 32n) | BigInt(u32(e + 4));
          values.push({ name: strAt(u32(e)), value: kflag ? BigInt.asIntN(64, raw) : raw });
        }
        t = { ...common, kind, size: sizeOrType, signed: kflag, values };
        break;
      }
      case 'fwd':
        t = { ...common, kind, fwdKind: kflag ? 'union' : 'struct' };
        break;
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
        t = { ...common, kind, type: sizeOrType };
        break;
      case 'func': {
        const linkage = LINKAGES[vlen];
        if (linkage === undefined) throw new BtfParseError(`${where()}: bad FUNC linkage ${vlen}`);
        t = { ...common, kind, type: sizeOrType, linkage };
        break;
      }
      case 'func_proto': {
        extra = vlen * 8;
        need(BTF_TYPE_SIZE + extra);
        const params: BtfParam[] = [];
        let variadic = false;
        for (let i = 0; i < vlen; i++) {
          const p = d + i * 8;
          const pName = u32(p);
          const pType = u32(p + 4);
          if (i === vlen - 1 && pName === 0 && pType === 0) variadic = true;
          else params.push({ name: strAt(pName), type: pType });
        }
        t = { ...common, kind, ret: sizeOrType, params, variadic };
        break;
      }
      case 'var': {
        extra = 4;
        need(BTF_TYPE_SIZE + extra);
        const lk = u32(d);
        const linkage = LINKAGES[lk];
        if (linkage === undefined) throw new BtfParseError(`${where()}: bad VAR linkage ${lk}`);
        t = { ...common, kind, type: sizeOrType, linkage };
        break;
      }
      case 'datasec': {
        extra = vlen * 12;
        need(BTF_TYPE_SIZE + extra);
        const vars: BtfVarSecinfo[] = [];
        for (let i = 0; i < vlen; i++) {
          const v = d + i * 12;
          vars.push({ type: u32(v), offset: u32(v + 4), size: u32(v + 8) });
        }
        t = { ...common, kind, size: sizeOrType, vars };
        break;
      }
      case 'float':
        t = { ...common, kind, size: sizeOrType };
        break;
      case 'decl_tag':
        extra = 4;
        need(BTF_TYPE_SIZE + extra);
        t = { ...common, kind, type: sizeOrType, componentIdx: s32(d), attribute: kflag };
        break;
      case 'type_tag':
        t = { ...common, kind, type: sizeOrType, attribute: kflag };
        break;
    }
    own.push(t);
    pos += BTF_TYPE_SIZE + extra;
  }
  const typeCount = startId + own.length;

  // ---- reference checks: every referenced id must exist ----
  const checkRef = (t: BtfType, ref: number, what: string): void => {
    if (ref >= typeCount) {
      throw new BtfParseError(`BTF type ${t.id} (${t.kind}) ${what} refers to nonexistent type ${ref}`);
    }
  };
  for (const t of own) {
    switch (t.kind) {
      case 'ptr':
      case 'typedef':
      case 'volatile':
      case 'const':
      case 'restrict':
      case 'func':
      case 'var':
      case 'decl_tag':
      case 'type_tag':
        checkRef(t, t.type, 'type');
        break;
      case 'array':
        checkRef(t, t.elemType, 'element type');
        checkRef(t, t.indexType, 'index type');
        break;
      case 'struct':
      case 'union':
        t.members.forEach((m, i) => checkRef(t, m.type, `member ${i}`));
        break;
      case 'func_proto':
        checkRef(t, t.ret, 'return type');
        t.params.forEach((p, i) => checkRef(t, p.type, `param ${i}`));
        break;
      case 'datasec':
        t.vars.forEach((v, i) => checkRef(t, v.type, `var ${i}`));
        break;
      default:
        break;
    }
  }

  // ---- indexes ----
  const byName = new Map<string, number[]>();
  const tagsByTarget = new Map<number, BtfDeclTagRef[]>();
  for (const t of own) {
    if (t.name !== '' && t.kind !== 'decl_tag' && t.kind !== 'type_tag') {
      const key = `${t.kind} ${t.name}`;
      const list = byName.get(key);
      if (list) list.push(t.id);
      else byName.set(key, [t.id]);
    }
    if (t.kind === 'decl_tag') {
      const ref: BtfDeclTagRef = { id: t.id, componentIdx: t.componentIdx, value: t.name };
      const list = tagsByTarget.get(t.type);
      if (list) list.push(ref);
      else tagsByTarget.set(t.type, [ref]);
    }
  }

  const maybeType = (id: number): BtfType | undefined => {
    if (!Number.isInteger(id) || id <= 0 || id >= typeCount) return undefined;
    if (id < startId) return base?.maybeType(id);
    return own[id - startId];
  };

  const parsed: ParsedBtf = {
    header,
    littleEndian: le,
    base,
    startId,
    typeCount,
    type(id) {
      const t = maybeType(id);
      if (t === undefined) {
        throw new BtfParseError(
          id === 0 ? 'type id 0 is void, not a BTF type record' : `no BTF type with id ${id} (have 1..${typeCount - 1})`,
        );
      }
      return t;
    },
    maybeType,
    ownTypes: () => own,
    findAll(kind, name) {
      const mine = byName.get(`${kind} ${name}`) ?? [];
      return base ? [...base.findAll(kind, name), ...mine] : [...mine];
    },
    find(kind, name) {
      const fromBase = base?.find(kind, name);
      if (fromBase !== undefined) return fromBase;
      return byName.get(`${kind} ${name}`)?.[0];
    },
    declTags(target, componentIdx) {
      const all = [...(base?.declTags(target) ?? []), ...(tagsByTarget.get(target) ?? [])];
      return componentIdx === undefined ? all : all.filter((r) => r.componentIdx === componentIdx);
    },
    str,
    strLenTotal: baseStrLen + header.strLen,
  };
  return parsed;
}

/** Follows typedef / const / volatile / restrict / type_tag links; returns the first other id. */
export function skipModifiers(btf: ParsedBtf, id: number): number {
  let cur = id;
  for (let guard = 0; guard < 64 && cur !== 0; guard++) {
    const t = btf.type(cur);
    if (
      t.kind === 'typedef' ||
      t.kind === 'const' ||
      t.kind === 'volatile' ||
      t.kind === 'restrict' ||
      t.kind === 'type_tag'
    ) {
      cur = t.type;
    } else {
      return cur;
    }
  }
  if (cur === 0) return 0;
  throw new BtfParseError(`BTF modifier chain from type ${id} is too long or cyclic`);
}
