// The distinct verifier messages the model can emit, derived from the message catalogue.
//
// A catalogue rule's message is a function of its arguments (src/messages/rule.ts). Its format is
// found by calling it with placeholder arguments: each argument renders as `<name>` (the
// parameter's name), arithmetic on it as `<name+1>`, and an argument that only chooses between
// two texts (a boolean) as `[text|other]` or `[text]` (present or absent). Rules whose message is
// empty (trust classes: they decide what later checks see) emit no message.

/** The part of a catalogue rule this module reads. */
export interface MessageRule {
  id: string;
  kernelFn: string;
  msg: (...args: never[]) => string;
}

export interface MessageInfo {
  /** Stable URL segment derived from the format: /messages/<slug>/. */
  slug: string;
  /** The message with placeholders, e.g. `R<r> !read_ok`. */
  format: string;
  /** Catalogue rules whose message this is, sorted. */
  rules: string[];
  /** Kernel functions that print it (per the catalogue), sorted. */
  kernelFns: string[];
}

// Placeholder renderings inside the raw output: strings use control-character markers, numbers a
// sentinel far from any real value so that `x + 1` can be recognised afterwards.
const MARK_OPEN = '\u0001';
const MARK_CLOSE = '\u0002';
const SENTINEL_STEP = 1_000_000_000;
const SENTINEL_SPREAD = 1_000_000;

function placeholder(i: number): unknown {
  const mark = `${MARK_OPEN}${i}${MARK_CLOSE}`;
  return {
    [Symbol.toPrimitive]: (hint: string) => (hint === 'string' ? mark : SENTINEL_STEP * (i + 1)),
    toString: () => mark,
  };
}

/** Parameter names of a function, from its source text (types are already stripped at run time). */
export function paramNames(fn: (...args: never[]) => unknown): string[] {
  const src = Function.prototype.toString.call(fn).trim();
  let list: string;
  if (src.startsWith('(') || /^(async\s+)?function\b/.test(src)) {
    const start = src.indexOf('(');
    let depth = 0;
    let end = start;
    for (let i = start; i < src.length; i++) {
      const c = src[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        end = i;
        break;
      }
    }
    list = src.slice(start + 1, end);
  } else {
    list = src.slice(0, Math.max(0, src.indexOf('=>')));
  }
  const names: string[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)/.exec(part);
    if (m?.[1]) names.push(m[1]);
  }
  const n = Math.max(names.length, fn.length);
  return Array.from({ length: n }, (_, i) => names[i] ?? `arg${i + 1}`);
}

function render(raw: string, names: readonly string[]): string {
  return raw
    .replace(new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, 'g'), (_m, i: string) => `<${names[Number(i)] ?? `arg${Number(i) + 1}`}>`)
    .replace(/-?\d{9,}/g, (digits) => {
      const v = Number(digits);
      const i = Math.round(v / SENTINEL_STEP) - 1;
      const delta = v - SENTINEL_STEP * (i + 1);
      const name = names[i];
      if (name === undefined || Math.abs(delta) >= SENTINEL_SPREAD) return digits;
      return `<${name}${delta > 0 ? `+${delta}` : delta < 0 ? `${delta}` : ''}>`;
    });
}

/** Message text characters that have a meaning in formats are written with a backslash. */
function escapeLiteral(text: string): string {
  return text.replace(/[\\[\]|<>]/g, '\\$&');
}

/** The message format of a catalogue rule, or null when the rule emits no message. */
export function messageFormat(rule: MessageRule): string | null {
  const names = paramNames(rule.msg);
  const call = (args: unknown[]): string => String((rule.msg as (...a: unknown[]) => unknown)(...args));
  const base = names.map((_, i) => placeholder(i));
  let raw = escapeLiteral(call(base));
  if (raw === '') return null;
  // Arguments that only select a text: their `false` rendering differs without showing "false".
  for (let i = 0; i < names.length; i++) {
    let alt: string;
    try {
      alt = escapeLiteral(call(base.map((p, j) => (j === i ? false : p))));
    } catch {
      continue;
    }
    if (alt === raw || alt.includes('false')) continue;
    let pre = 0;
    while (pre < raw.length && pre < alt.length && raw[pre] === alt[pre]) pre++;
    let suf = 0;
    while (suf < raw.length - pre && suf < alt.length - pre && raw[raw.length - 1 - suf] === alt[alt.length - 1 - suf]) suf++;
    const a = raw.slice(pre, raw.length - suf);
    const b = alt.slice(pre, alt.length - suf);
    raw = `${raw.slice(0, pre)}[${a}${b === '' ? '' : `|${b}`}]${raw.slice(raw.length - suf)}`;
  }
  return render(raw, names);
}

/** Text of a format without its placeholders and choice brackets. */
function literalText(format: string): string {
  return format
    .replace(/\\./g, ' ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/[[\]|]/g, ' ')
    .replace(/['’]/g, '');
}

/** True when a format is nothing but placeholders (it cannot identify a message by its text). */
export function isOpaqueFormat(format: string): boolean {
  return !/[\p{L}\p{N}]/u.test(literalText(format));
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The URL segment of a message: its literal words, lower-cased and hyphenated (`R<r> !read_ok` →
 * `r-read-ok`). A format with no literal text is named after its (first) rule instead.
 */
export function messageSlug(format: string, ruleIds: readonly string[]): string {
  if (isOpaqueFormat(format)) {
    const first = [...ruleIds].sort()[0];
    if (first === undefined) throw new Error(`bpfspec: message format "${format}" has no text and no rule to name it after`);
    return `rule-${slugify(first)}`;
  }
  return slugify(literalText(format));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A regular expression matching every reason line the format can produce (whole line). */
export function formatRegex(format: string): RegExp {
  let out = '';
  let i = 0;
  const group: string[] = [];
  while (i < format.length) {
    const c = format[i] ?? '';
    if (c === '\\' && i + 1 < format.length) {
      out += escapeRegex(format[i + 1] ?? '');
      i += 2;
      continue;
    }
    const ph = c === '<' ? /^<[A-Za-z_$][\w$]*(?:[+-]\d+)?>/.exec(format.slice(i)) : null;
    if (ph) {
      out += '(.*?)';
      i += ph[0].length;
    } else if (c === '[') {
      group.push(out);
      out = '';
      i++;
    } else if ((c === '|' || c === ']') && group.length > 0) {
      if (c === '|') {
        out += '|';
      } else {
        out = `${group.pop() ?? ''}(?:${out})${out.includes('|') ? '' : '?'}`;
      }
      i++;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return new RegExp(`^${out}$`, 's');
}

const regexCache = new Map<string, RegExp>();
function cachedRegex(format: string): RegExp {
  let re = regexCache.get(format);
  if (!re) {
    re = formatRegex(format);
    regexCache.set(format, re);
  }
  return re;
}

/**
 * Every distinct message of the catalogue, sorted by slug. Rules with the same format share one
 * entry. Throws if two different formats would get the same slug (a slug is a permanent URL,
 * so the clash must be resolved by hand).
 */
export function buildMessages(rules: readonly MessageRule[]): MessageInfo[] {
  const byFormat = new Map<string, { rules: Set<string>; fns: Set<string> }>();
  for (const r of rules) {
    const f = messageFormat(r);
    if (f === null) continue;
    const e = byFormat.get(f) ?? { rules: new Set<string>(), fns: new Set<string>() };
    e.rules.add(r.id);
    e.fns.add(r.kernelFn);
    byFormat.set(f, e);
  }
  const bySlug = new Map<string, MessageInfo>();
  for (const [format, e] of byFormat) {
    const ruleIds = [...e.rules].sort();
    const slug = messageSlug(format, ruleIds);
    const clash = bySlug.get(slug);
    if (clash) throw new Error(`bpfspec: messages "${clash.format}" and "${format}" would share the URL /messages/${slug}/`);
    bySlug.set(slug, { slug, format, rules: ruleIds, kernelFns: [...e.fns].sort() });
  }
  return [...bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * The message an actual reason line is an instance of, or null. When several formats match, the
 * one of the rule that rejected (`ruleId`) wins, then the one with the most literal text. A
 * format with no literal text only matches reasons of its own rules.
 */
export function matchMessage(error: string, ruleId: string | null | undefined, messages: readonly MessageInfo[]): MessageInfo | null {
  const candidates = messages.filter((m) =>
    isOpaqueFormat(m.format) ? ruleId != null && m.rules.includes(ruleId) : cachedRegex(m.format).test(error),
  );
  if (candidates.length === 0) return null;
  const own = candidates.find((m) => ruleId != null && m.rules.includes(ruleId));
  if (own) return own;
  return [...candidates].sort((a, b) => literalText(b.format).trim().length - literalText(a.format).trim().length)[0] ?? null;
}
