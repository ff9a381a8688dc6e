// The login form: a bearer token (http.token) or HTTP Basic (a user of http.admins). The credential is tried
// against GET /api/v1/broker and kept in sessionStorage only once the broker accepts it.

import { byId, status } from './dom.js';
import { basic, bearer, describeError, request, saveCredential, Unauthorized } from './api.js';

export class LoginPage {
  /** `onLoggedIn(broker)` gets the answer of GET /broker. */
  constructor(onLoggedIn) {
    this.onLoggedIn = onLoggedIn;
    this.form = byId('login-form');
    this.statusLine = byId('login-status');
    for (const radio of this.form.querySelectorAll('input[name="method"]')) {
      radio.addEventListener('change', () => this.#method());
    }
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
  }

  show(message) {
    byId('page-login').hidden = false;
    status(this.statusLine, message, 'error');
    this.#method();
  }

  #usesToken() {
    return byId('login-method-token').checked;
  }

  #method() {
    byId('login-token-fields').hidden = !this.#usesToken();
    byId('login-basic-fields').hidden = this.#usesToken();
    (this.#usesToken() ? byId('login-token') : byId('login-user')).focus();
  }

  async #submit() {
    let authorization;
    if (this.#usesToken()) {
      const token = byId('login-token').value;
      if (!token.trim()) {
        status(this.statusLine, 'Enter the token (http.token).', 'error');
        return;
      }
      authorization = bearer(token);
    } else {
      const user = byId('login-user').value;
      if (!user || user.includes(':')) {
        status(this.statusLine, 'Enter a user name (without ":").', 'error');
        return;
      }
      authorization = basic(user, byId('login-password').value);
    }
    const button = byId('login-submit');
    button.disabled = true;
    status(this.statusLine, 'Checking…', 'info');
    try {
      const broker = await request('GET', '/broker', { authorization });
      saveCredential(authorization);
      byId('login-token').value = '';
      byId('login-password').value = '';
      status(this.statusLine, '');
      this.onLoggedIn(broker);
    } catch (e) {
      status(this.statusLine, e instanceof Unauthorized
        ? (this.#usesToken() ? 'Wrong token: the broker refused it (HTTP 401).'
          : 'Wrong user name or password: the broker refused them (HTTP 401).')
        : describeError(e), 'error');
    } finally {
      button.disabled = false;
    }
  }
}
