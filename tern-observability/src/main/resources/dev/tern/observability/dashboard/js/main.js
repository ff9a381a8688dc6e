// The dashboard's entry point: login state, the pages and the hash router (#/overview, #/clients, ...).

import { byId } from './dom.js';
import { describeCredential, forgetCredential, onUnauthorized, request, savedCredential, Unauthorized } from './api.js';
import { LoginPage } from './login.js';
import { OverviewPage } from './overview.js';
import { ClientsPage } from './clients.js';
import { SubscriptionsPage } from './subscriptions.js';
import { RetainedPage } from './retained.js';
import { ExplorerPage } from './explorer.js';

const pages = {
  overview: new OverviewPage(),
  clients: new ClientsPage(),
  subscriptions: new SubscriptionsPage(),
  retained: new RetainedPage(),
  explorer: new ExplorerPage(),
};
const DEFAULT_PAGE = 'overview';

let current = null;
let loggedIn = false;
const login = new LoginPage((broker) => enter(broker));

function pageName() {
  const name = location.hash.replace(/^#\/?/, '');
  return Object.hasOwn(pages, name) ? name : DEFAULT_PAGE;
}

function show(name) {
  if (current && current !== pages[name]) current.hide();
  for (const [n, page] of Object.entries(pages)) {
    byId('page-' + n).hidden = n !== name;
    document.querySelector(`.nav a[data-page="${n}"]`).classList.toggle('active', n === name);
    if (n === name) current = page;
  }
  document.title = `${byId('page-' + name).querySelector('h2').textContent} · Tern dashboard`;
  current.show();
}

/** Logged in: the broker answered GET /broker with the saved credential (or none, when anonymous is allowed). */
function enter(broker) {
  loggedIn = true;
  byId('page-login').hidden = true;
  byId('top').hidden = false;
  byId('who').textContent = `${broker.version ? 'Tern ' + broker.version : 'Tern'} · ${
    describeCredential(savedCredential())}`;
  for (const page of Object.values(pages)) page.start(broker);
  show(pageName());
}

/** Back to the login form, with a reason (a 401, a log out). */
function leave(message) {
  loggedIn = false;
  if (current) current.hide();
  current = null;
  for (const page of Object.values(pages)) page.stop();
  for (const n of Object.keys(pages)) byId('page-' + n).hidden = true;
  byId('top').hidden = true;
  document.title = 'Log in · Tern dashboard';
  login.show(message);
}

onUnauthorized((message) => {
  if (loggedIn) leave(message);
});

byId('logout').addEventListener('click', () => {
  forgetCredential();
  leave('Logged out.');
});

window.addEventListener('hashchange', () => {
  if (loggedIn) show(pageName());
});

/** At load: the saved credential, or none at all (http.allow-anonymous), may already be good. */
async function start() {
  const saved = savedCredential();
  try {
    const broker = await request('GET', '/broker', { authorization: saved });
    enter(broker);
  } catch (e) {
    if (e instanceof Unauthorized) {
      if (saved) forgetCredential();
      leave(saved ? 'The broker refused the saved credentials (HTTP 401). Log in again.' : '');
    } else {
      leave('The broker cannot be reached: ' + (e.message || e));
    }
  }
}

start();
