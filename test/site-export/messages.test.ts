// Message formats derived from the catalogue: placeholders, choices, slugs, and matching reason
// lines back to their message.
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/messages/catalog.ts';
import { RULES } from '../../src/messages/catalog.ts';
import { buildMessages, formatRegex, isOpaqueFormat, matchMessage, messageFormat, messageSlug, paramNames } from '../../src/site/export/messages.ts';

describe('messageFormat', () => {
  it('names each argument after its parameter', () => {
    expect(messageFormat(RULES.regNotInit)).toBe('R<r> !read_ok');
    expect(messageFormat(RULES.unknownOpcode)).toBe('unknown opcode <code>');
    expect(messageFormat(RULES.stackOutOfBounds)).toBe('invalid <kind> stack R<r> off=<off> size=<size>');
  });

  it('shows arithmetic on an argument and optional text chosen by a boolean', () => {
    expect(messageFormat(RULES.kfuncArgMemSize)).toBe('arg#<argno> arg#<argno+1> memory, len pair leads to invalid memory access');
    expect(messageFormat(RULES.kfuncArgMemPointee)).toBe('arg#<argno> pointer type <kind> <tname> must point to [void, ]scalar, or struct with scalar');
  });

  it('is null for rules without a message of their own', () => {
    expect(messageFormat(RULES.trustLegacyWalk)).toBeNull();
  });

  it('escapes format syntax that occurs in message text', () => {
    const f = messageFormat({ id: 'x', kernelFn: 'f', msg: (n: number) => `range [0, ${n}] <ok> | done` });
    expect(f).toBe('range \\[0, <n>\\] \\<ok\\> \\| done');
    expect(formatRegex(f ?? '').test('range [0, 7] <ok> | done')).toBe(true);
  });

  it('reads parameter names from the function', () => {
    expect(paramNames((a: number, bb: string) => `${a}${bb}`)).toEqual(['a', 'bb']);
    expect(paramNames(function named(x: number) {
      return String(x);
    })).toEqual(['x']);
  });
});

describe('formatRegex', () => {
  it('matches every reason line a catalogue message can produce', () => {
    // Sample arguments: small numbers and short words, and `false` for a choice.
    for (const rule of allRules()) {
      const f = messageFormat(rule);
      if (f === null) continue;
      const re = formatRegex(f);
      const n = rule.msg.length;
      for (const sample of [Array.from({ length: n }, (_, i) => i + 1), Array.from({ length: n }, (_, i) => `w${i}`)]) {
        const text = String((rule.msg as (...a: unknown[]) => unknown)(...sample));
        expect(re.test(text), `${rule.id}: ${JSON.stringify(f)} vs ${JSON.stringify(text)}`).toBe(true);
      }
    }
    expect(formatRegex('arg#<a> must point to [void, ]scalar').test('arg#1 must point to scalar')).toBe(true);
    expect(formatRegex('R<r> !read_ok').test('R1 !read_ok plus')).toBe(false);
  });
});

describe('buildMessages', () => {
  const messages = buildMessages(allRules());

  it('gives every message a unique, URL-safe slug and merges rules sharing a message', () => {
    const slugs = messages.map((m) => m.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const s of slugs) expect(s).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const memAccess = messages.find((m) => m.format === "R<r> invalid mem access '<t>'");
    expect(memAccess?.rules).toEqual(['btf.ptr.maybe-null', 'core.mem.invalid-type']);
    expect(messages.find((m) => m.slug === 'r-read-ok')?.kernelFns).toEqual(['check_reg_arg']);
  });

  it('covers every catalogue rule that has a message', () => {
    const covered = new Set(messages.flatMap((m) => m.rules));
    for (const r of allRules()) expect(covered.has(r.id), r.id).toBe(messageFormat(r) !== null);
  });

  it('refuses two formats that would share a URL', () => {
    expect(() =>
      buildMessages([
        { id: 'a', kernelFn: 'f', msg: (x: number) => `bad ${x}` },
        { id: 'b', kernelFn: 'f', msg: () => 'bad!' },
      ]),
    ).toThrow(/would share the URL \/messages\/bad\//);
  });

  it('names a message without literal text after its rule', () => {
    expect(isOpaqueFormat('<text>')).toBe(true);
    expect(messageSlug('<text>', ['core.exit.range'])).toBe('rule-core-exit-range');
    expect(messageSlug("func '<f>' doesn't have <n>-th argument", ['x'])).toBe('func-doesnt-have-th-argument');
  });
});

describe('matchMessage', () => {
  const messages = buildMessages(allRules());

  it('finds the message of a reason line', () => {
    expect(matchMessage('R0 !read_ok', 'core.reg.read-uninit', messages)?.slug).toBe('r-read-ok');
    expect(matchMessage('invalid bpf_context access off=32 size=8', 'btf.ctx.no-such-argument', messages)?.slug).toBe('invalid-bpf-context-access-off-size');
  });

  it('prefers the more specific of two matching formats', () => {
    const line = 'R1 pointer arithmetic on map_value_or_null prohibited, null-check it first';
    expect(matchMessage(line, null, messages)?.slug).toBe('r-pointer-arithmetic-on-prohibited-null-check-it-first');
  });

  it('matches a format without literal text only for its own rule', () => {
    const line = 'At program exit the register R0 has smin=2 should have been in [0, 1]';
    expect(matchMessage(line, 'core.exit.range', messages)?.slug).toBe('rule-core-exit-range');
    expect(matchMessage('something else entirely', 'core.reg.read-uninit', messages)).toBeNull();
  });
});
