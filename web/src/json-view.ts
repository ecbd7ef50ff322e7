// Arguments as sent, pretty-printed as JSON text with long strings folded behind a button. Values
// go into text nodes only: a "<script>" in an argument is shown as those characters.
import { h } from './dom.js';

const FOLD_AT = 160;
const SHOWN = 100;

function str(value: string): Node {
  const full = JSON.stringify(value);
  if (full.length <= FOLD_AT) return h('span', { class: 's' }, full);
  const shown = h('span', { class: 's' }, `${full.slice(0, SHOWN)}…`);
  const button = h(
    'button',
    { type: 'button', class: 'fold', 'aria-expanded': 'false', 'aria-label': `show all ${value.length} characters` },
    `+${full.length - SHOWN} chars`,
  );
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    shown.textContent = open ? `${full.slice(0, SHOWN)}…` : full;
    button.setAttribute('aria-expanded', String(!open));
    button.textContent = open ? `+${full.length - SHOWN} chars` : 'fold';
  });
  return h('span', {}, shown, ' ', button);
}

function render(value: unknown, indent: string, out: Array<Node | string>): void {
  if (typeof value === 'string') out.push(str(value));
  else if (typeof value === 'number') out.push(h('span', { class: 'n' }, String(value)));
  else if (typeof value === 'boolean' || value === null) out.push(h('span', { class: 'b' }, String(value)));
  else if (Array.isArray(value)) {
    if (value.length === 0) return void out.push('[]');
    out.push('[\n');
    value.forEach((v, i) => {
      out.push(`${indent}  `);
      render(v, `${indent}  `, out);
      out.push(i < value.length - 1 ? ',\n' : '\n');
    });
    out.push(`${indent}]`);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return void out.push('{}');
    out.push('{\n');
    entries.forEach(([k, v], i) => {
      out.push(`${indent}  `, h('span', { class: 'k' }, JSON.stringify(k)), ': ');
      render(v, `${indent}  `, out);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    });
    out.push(`${indent}}`);
  } else out.push(String(value));
}

export function jsonView(value: unknown, label: string): HTMLPreElement {
  const out: Array<Node | string> = [];
  render(value, '', out);
  const pre = h('pre', { class: 'json', 'aria-label': label, tabindex: 0 });
  pre.append(...out.map((n) => (typeof n === 'string' ? document.createTextNode(n) : n)));
  return pre;
}
