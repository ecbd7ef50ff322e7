// Building DOM without HTML strings: every piece of data becomes a text node or an attribute value,
// never markup, so text from tool arguments and descriptions cannot inject anything.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

function apply(el: Element, attrs: Attrs, children: Child[]): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element; `on…` attributes become event listeners, everything else attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs, children);
  return el;
}

/** Replace an element's content. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  apply(parent, {}, children);
}

/** A definition list of label/value pairs (values are text or ready-made nodes). */
export function fields(rows: Array<[string, Child]>): HTMLDListElement {
  const dl = h('dl', { class: 'fields' });
  for (const [label, value] of rows) dl.append(h('dt', {}, label), h('dd', {}, value ?? '—'));
  return dl;
}

export function statusBadge(status: string): HTMLSpanElement {
  return h('span', { class: `status ${status}` }, status);
}

export function table(headers: Array<string | [string, string]>, rows: HTMLTableRowElement[], caption: string): HTMLDivElement {
  const head = h('tr', {}, ...headers.map((c) => (Array.isArray(c) ? h('th', { scope: 'col', class: c[1] }, c[0]) : h('th', { scope: 'col' }, c))));
  return h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, head), h('tbody', {}, ...rows)));
}
