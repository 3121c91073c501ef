// Reading a verifier log the kernel (or the model) wrote: the `processed N insns` counters,
// stats lines and the reason line. Pure, so the model, the kernel back end and the site share it.

export interface VerifierCounters {
  insnProcessed: number;
  insnLimit: number;
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
  markRead: number;
}

const PROCESSED_RE = /^processed (\d+) insns \(limit (\d+)\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read (\d+)/;
const PROCESSED_LOOSE_RE = /^processed (\d+) insns \(limit (\d+)\)/;
const VTIME_RE = /^verification time (\d+) usec$/;
const STACK_RE = /^stack depth (\d+(?:\+\d+)*)$/;
const STATE_DUMP_RE = /^(cur|old) state:/;
const GLUED_STATS_RE = /(?:verification time \d+ usec|processed \d+ insns \(limit \d+\))/;

export interface ParsedLog {
  /** Index (in `lines`) of the last `processed N insns` line, or -1. */
  processedLine: number;
  insnProcessed: number | null;
  counters: VerifierCounters | null;
  verificationTimeUs: number | null;
  stackDepth: number[] | null;
  /** Last non-empty line before the stats/processed lines (or of the whole log without them). */
  lastMessage: string | null;
}

/** Pull the end-of-verification numbers and the last message out of a verifier log. */
export function parseVerifierLog(log: string): ParsedLog {
  // A few kernel messages lack their '\n', so the stats that follow share their line
  // ("expected prog array map for tail callprocessed 3 insns ..."): split them apart.
  const lines = log.split('\n').flatMap((l) => {
    const m = GLUED_STATS_RE.exec(l);
    return m && m.index > 0 ? [l.slice(0, m.index), l.slice(m.index)] : [l];
  });
  let processedLine = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (PROCESSED_LOOSE_RE.test(lines[i] ?? '')) {
      processedLine = i;
      break;
    }
  }
  let insnProcessed: number | null = null;
  let counters: VerifierCounters | null = null;
  if (processedLine >= 0) {
    const line = lines[processedLine] ?? '';
    const full = PROCESSED_RE.exec(line);
    const loose = PROCESSED_LOOSE_RE.exec(line);
    if (loose !== null) insnProcessed = Number(loose[1]);
    if (full !== null) {
      counters = {
        insnProcessed: Number(full[1]),
        insnLimit: Number(full[2]),
        maxStatesPerInsn: Number(full[3]),
        totalStates: Number(full[4]),
        peakStates: Number(full[5]),
        markRead: Number(full[6]),
      };
    }
  }
  let verificationTimeUs: number | null = null;
  let stackDepth: number[] | null = null;
  let lastMessage: string | null = null;
  const end = processedLine >= 0 ? processedLine : lines.length;
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const vt = VTIME_RE.exec(line);
    if (vt !== null) {
      verificationTimeUs ??= Number(vt[1]);
      continue;
    }
    const sd = STACK_RE.exec(line);
    if (sd !== null) {
      stackDepth ??= (sd[1] ?? '').split('+').map(Number);
      continue;
    }
    if (line.trim() === '') continue;
    // State dumps that follow a message ('infinite loop detected at insn 1' is followed by
    // 'cur state: ...' and 'old state: ...') are not the reason.
    if (STATE_DUMP_RE.test(line)) continue;
    lastMessage = line;
    break;
  }
  return { processedLine, insnProcessed, counters, verificationTimeUs, stackDepth, lastMessage };
}

