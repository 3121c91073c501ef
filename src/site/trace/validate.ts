// Schema check of a live trace read from the results file (src/model/trace/types.ts): the build
// fails on a malformed trace instead of shipping a page whose viewer breaks in the browser.
import { TRACE_VERSION } from '../../model/trace/types.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrRecord = (v: unknown): boolean => v === undefined || (isObj(v) && Object.values(v).every(isStr));
const STEP_KINDS = new Set(['insn', 'branch', 'safe', 'error']);

function frameProblem(f: unknown): string | null {
  if (!isObj(f) || !isNum(f.no) || !isNum(f.callsite) || !Array.isArray(f.regs) || !Array.isArray(f.stack)) return 'must have no, callsite, regs and stack';
  for (const r of f.regs) if (!isObj(r) || !isNum(r.r) || !isStr(r.t) || !(r.ref === undefined || isNum(r.ref))) return 'regs[] must be {r, t, ref?}';
  for (const s of f.stack) {
    if (!isObj(s) || !isNum(s.off) || !isStr(s.kind) || !isStr(s.t) || !isStrRecord(s.extra)) return 'stack[] must be {off, kind, t, extra?}';
  }
  return null;
}

function stepProblem(s: unknown, count: number): string | null {
  if (!isObj(s)) return 'must be an object';
  if (!isStr(s.kind) || !STEP_KINDS.has(s.kind)) return 'kind must be insn, branch, safe or error';
  if (!isNum(s.insn) || !isNum(s.frame) || !isNum(s.logLine)) return 'insn, frame and logLine must be numbers';
  if (!isNum(s.prev) || s.prev < -1 || s.prev >= count) return 'prev must be -1 or a step index';
  if (!(s.from === undefined || isNum(s.from))) return 'from must be a number';
  if (!Array.isArray(s.frames)) return 'frames must be an array';
  for (const f of s.frames) {
    const p = frameProblem(f);
    if (p !== null) return `frames[]: ${p}`;
  }
  if (!Array.isArray(s.refs) || !s.refs.every((r) => isObj(r) && isNum(r.id) && isNum(r.insn) && isStr(r.kind) && isStrRecord(r.extra))) {
    return 'refs must be {id, insn, kind, extra?}[]';
  }
  if (!isObj(s.locks) || !Object.values(s.locks).every(isNum)) return 'locks must map names to numbers';
  if (!isStrRecord(s.extra)) return 'extra must map names to strings';
  return null;
}

/** The first problem with a trace's shape, or null when it is well-formed. */
export function traceProblem(t: unknown): string | null {
  if (!isObj(t)) return 'must be an object';
  if (t.version !== TRACE_VERSION) return `version must be ${TRACE_VERSION}`;
  if (!Array.isArray(t.insns) || !t.insns.every((i) => isObj(i) && isNum(i.idx) && isStr(i.text) && isNumOrNull(i.line))) {
    return 'insns must be {idx, text, line}[]';
  }
  if (!Array.isArray(t.steps)) return 'steps must be an array';
  for (let k = 0; k < t.steps.length; k++) {
    const p = stepProblem(t.steps[k], t.steps.length);
    if (p !== null) return `steps[${k}].${p}`;
  }
  if (!isNum(t.insnProcessed) || typeof t.truncated !== 'boolean' || !isStr(t.log)) return 'insnProcessed, truncated and log are required';
  if (t.verdict !== 'accept' && t.verdict !== 'reject') return "verdict must be 'accept' or 'reject'";
  const e = t.error;
  if (e !== null) {
    if (!isObj(e) || !(e.rule === null || isStr(e.rule)) || !isStr(e.message) || !isNumOrNull(e.insn) || !isNumOrNull(e.step)) {
      return 'error must be {rule, message, insn, step, path, pathSteps, pathTruncated} or null';
    }
    if (!Array.isArray(e.path) || !e.path.every(isNum) || !Array.isArray(e.pathSteps) || !e.pathSteps.every(isNum) || typeof e.pathTruncated !== 'boolean') {
      return 'error.path and error.pathSteps must be number[]';
    }
  }
  return null;
}
