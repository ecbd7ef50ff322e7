// The review as text (terminal), Markdown (a ticket or wiki page) or JSON (scripts, the console):
// text and Markdown render the same sections (sections.ts).
import { sections, type Block, type Section } from './sections.js';
import type { Review } from './review.js';

export type ReportFormat = 'text' | 'md' | 'json';

export function formatReview(r: Review, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  return format === 'md' ? markdown(r) : text(r);
}

function text(r: Review): string {
  const out = [`toolgate review ${r.period.since} .. ${r.period.until} (previous: ${r.previous.since} .. ${r.previous.until})`];
  for (const s of sections(r)) {
    if (s.title) out.push('', `${s.title}:`);
    for (const b of s.blocks) out.push(...textBlock(b, s));
  }
  return `${out.join('\n')}\n`;
}

function textBlock(b: Block, s: Section): string[] {
  if (b.kind === 'lines') return b.lines.map((l) => (s.title ? `  ${l}` : l));
  const table = [b.header, ...b.rows];
  const widths = b.header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const rows = table.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  return ['', ...rows, ...(b.note ? ['', b.note] : [])];
}

function markdown(r: Review): string {
  const out = [
    `# toolgate review ${r.period.since.slice(0, 10)} .. ${r.period.until.slice(0, 10)}`,
    '',
    `Period ${r.period.since} .. ${r.period.until}, compared with ${r.previous.since} .. ${r.previous.until}.`,
  ];
  for (const s of sections(r)) {
    if (s.title) out.push('', `## ${s.title[0]!.toUpperCase()}${s.title.slice(1)}`);
    for (const b of s.blocks) out.push('', ...markdownBlock(b));
  }
  return `${out.join('\n')}\n`;
}

function markdownBlock(b: Block): string[] {
  if (b.kind === 'lines') return b.lines.map((l) => (l.startsWith('  ') ? `  - ${l.trimStart()}` : `- ${l}`));
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(b.header), line(b.header.map(() => '---')), ...b.rows.map(line), ...(b.note ? ['', b.note.replace(/! = material/, '**!** = material')] : [])];
}
