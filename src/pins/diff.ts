// A readable text diff of two tool definitions for reviewers: field by field (title, description,
// schemas pretty-printed in canonical key order, annotations, then every other field), unified style with three lines of
// context. A line LCS after trimming the common head and tail; very large middles fall back to
// "all removed, all added" rather than spending quadratic time.
import { canonicalJson } from '../receipts/index.js';
import { fieldsOf, type ToolDefinition } from './definition.js';

const CONTEXT = 3;
const MAX_LCS_CELLS = 4_000_000;

type Line = { op: ' ' | '-' | '+'; text: string };

/** The unified-style diff from the approved definition (null: none) to the presented one; "" when equal. */
export function diffDefinitions(before: ToolDefinition | null, after: ToolDefinition): string {
  const out: string[] = [];
  for (const field of fieldsOf(before, after)) {
    if (field === 'name') continue;
    const a = fieldLines(before?.[field]);
    const b = fieldLines(after[field]);
    const lines = diffLines(a, b);
    if (!lines.some((l) => l.op !== ' ')) continue;
    out.push(`@@ ${field} @@`, ...hunks(lines));
  }
  if (!out.length) return '';
  return [`--- ${before ? 'approved' : '(not pinned)'}`, '+++ presented', ...out].join('\n');
}

function fieldLines(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(/\r?\n/);
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2).split('\n');
}

export function diffLines(a: readonly string[], b: readonly string[]): Line[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const same = (text: string): Line => ({ op: ' ', text });
  return [...a.slice(0, head).map(same), ...diffMiddle(midA, midB), ...a.slice(a.length - tail).map(same)];
}

function diffMiddle(a: readonly string[], b: readonly string[]): Line[] {
  if ((a.length + 1) * (b.length + 1) > MAX_LCS_CELLS) {
    return [...a.map((text): Line => ({ op: '-', text })), ...b.map((text): Line => ({ op: '+', text }))];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  return out;
}

/** Changed lines with up to CONTEXT unchanged lines around them; "..." marks skipped lines. */
function hunks(lines: readonly Line[]): string[] {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (let k = Math.max(0, index - CONTEXT); k <= Math.min(lines.length - 1, index + CONTEXT); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      if (!skipped) out.push('...');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${line.op}${line.text}`);
  });
  return out;
}
