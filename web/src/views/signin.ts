// The only thing a visitor without a valid reviewer token ever sees.
import { api, ApiError, SESSION_CHANGED } from '../api.js';
import { h, show } from '../dom.js';
import { signIn } from '../session.js';
import type { View } from './view.js';

export const signInView: View = (root) => {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Reviewer sign-in'),
    h('label', { for: 'token' }, 'Reviewer token', input),
    h(
      'p',
      { id: 'token-help', class: 'note' },
      'Kept in this browser tab only (session storage) and sent as an Authorization header; never in a URL or a cookie.',
    ),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    const candidate = input.value.trim();
    // Probe with the candidate first, so a wrong token is never stored.
    api('/api/approvals?status=pending', { token: candidate })
      .then(() => {
        signIn(candidate);
        window.dispatchEvent(new Event(SESSION_CHANGED));
      })
      .catch((err: unknown) => {
        error.textContent = err instanceof ApiError && err.status === 401 ? 'That token is not a reviewer token.' : `Sign-in failed: ${(err as Error).message}`;
        input.select();
      });
  });
  show(root, form);
  input.focus();
};
