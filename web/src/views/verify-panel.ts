// Verifying a receipt's signature in this browser, against the keyring the gateway publishes or one
// the auditor pastes (their own copy: the independent check, since a gateway could publish any key).
import { api } from '../api.js';
import { h, show } from '../dom.js';
import { parseKeyring } from '../verify/keyring.js';
import { verifyEnvelope } from '../verify/receipt.js';

export function verifyPanel(envelope: unknown): HTMLElement {
  const published = h('input', { type: 'radio', name: 'keyring', id: 'kr-published', value: 'published', checked: true });
  const pasted = h('input', { type: 'radio', name: 'keyring', id: 'kr-pasted', value: 'pasted' });
  const text = h('textarea', { id: 'keyring-text', rows: 5, placeholder: '{"version":"toolgate.keyring/v1","keys":[…]}', spellcheck: 'false' });
  const button = h('button', { type: 'submit' }, 'Verify signature');
  const out = h('div', { role: 'status', 'aria-live': 'polite', id: 'verification' });
  const form = h(
    'form',
    { 'aria-labelledby': 'verify-title' },
    h('h2', { id: 'verify-title' }, 'Signature'),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Keyring'),
      h('label', { class: 'inline', for: 'kr-published' }, h('span', {}, published, ' published by this gateway')),
      h('label', { class: 'inline', for: 'kr-pasted' }, h('span', {}, pasted, ' one I hold (paste below)')),
      h('label', { for: 'keyring-text' }, 'Keyring JSON', text),
    ),
    button,
    out,
  );

  const keyringText = async (): Promise<string> => {
    if (pasted.checked) return text.value;
    return JSON.stringify(await api('/api/keyring'));
  };

  const run = async () => {
    button.disabled = true;
    show(out, h('p', { class: 'note' }, 'Verifying…'));
    try {
      const keys = await parseKeyring(await keyringText());
      const v = await verifyEnvelope(envelope, keys);
      const source = pasted.checked ? 'the pasted keyring' : 'the keyring this gateway publishes';
      show(
        out,
        h('p', { class: `verdict ${v.ok ? 'ok' : 'bad'}` }, v.ok ? `Signature verified against ${source}.` : `Verification failed against ${source}.`),
        h('ul', { class: 'checks' }, ...v.checks.map((c) => h('li', { class: c.ok ? 'ok' : 'fail' }, h('strong', {}, c.name), `: ${c.detail}`))),
      );
    } catch (err) {
      show(out, h('p', { class: 'verdict bad' }, `Verification failed: ${(err as Error).message}`));
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  text.addEventListener('input', () => (pasted.checked = true));
  void run();
  return form;
}
