// Direct calls to the API of the server under test, for what a test must set up or put back
// whatever happened in the browser (a setting other test files rely on).
import { baseURL } from './env.js';

async function call(method, path, { token, body } = {}) {
  const response = await fetch(new URL(path, baseURL), {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? null : response.json();
}

/** Signs `account` in and gives its access token. */
export async function accessToken({ email, password }) {
  const pair = await call('POST', '/api/v1/auth/login', { body: { email, password } });
  return pair.access_token;
}

/** Asks for a password-reset link for `email`, as the forgotten-password page does. */
export async function requestPasswordReset(email) {
  const response = await fetch(new URL('/api/v1/auth/password-reset', baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (response.status !== 202) throw new Error(`POST /api/v1/auth/password-reset: ${response.status}`);
}

/** Changes members of `account`'s profile (PATCH /me). */
export async function updateProfile(account, changes) {
  const token = await accessToken(account);
  return call('PATCH', '/api/v1/me', { token, body: changes });
}

/** The category tree `account` may choose from (GET /categories). */
export async function categories(token) {
  return call('GET', '/api/v1/categories', { token });
}

/** Opens a ticket through the API (POST /tickets), as the owner of `token`. */
export async function postTicket(token, ticket) {
  return call('POST', '/api/v1/tickets', { token, body: ticket });
}

/** Changes a contract (PATCH /contracts/{id}) as the owner of `token`; gives it. */
export async function updateContract(token, id, changes) {
  return call('PATCH', `/api/v1/contracts/${id}`, { token, body: changes });
}

/** Any GET of the API, as the owner of `token`. */
export async function get(token, path) {
  return call('GET', path, { token });
}

/** Every category of the tree, depth first. */
function flatten(nodes) {
  return nodes.flatMap((node) => [node, ...flatten(node.children ?? [])]);
}

/**
 * Opens an incident as `account` (POST /tickets), in the first category that takes incidents;
 * gives the ticket.
 */
export async function createTicket(account, { title, description }) {
  const token = await accessToken(account);
  const categories = flatten(await call('GET', '/api/v1/categories', { token }));
  const category = categories.find((c) => c.kind === null || c.kind === 'incident');
  return call('POST', '/api/v1/tickets', {
    token,
    body: { kind: 'incident', category_id: category.id, urgency: 'medium', title, description },
  });
}

/** Writes a follow-up on ticket `number` as `account`. */
export async function addFollowup(account, number, body) {
  const token = await accessToken(account);
  return call('POST', `/api/v1/tickets/${number}/followups`, { token, body: { body } });
}

/** Attaches a small text file named `fileName` to ticket `number` (multipart, part `file`). */
export async function attachFile(account, number, fileName, text = 'journal\n') {
  const token = await accessToken(account);
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), fileName);
  const response = await fetch(new URL(`/api/v1/tickets/${number}/attachments`, baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (!response.ok) {
    throw new Error(`upload ${fileName}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

/** The agent proposes a solution on ticket `number` (it becomes resolved). */
export async function proposeSolution(agent, number, body) {
  const token = await accessToken(agent);
  return call('POST', `/api/v1/tickets/${number}/solution`, { token, body: { body } });
}

/** The requester rejects the pending solution of ticket `number`. */
export async function rejectSolution(account, number, reason) {
  const token = await accessToken(account);
  return call('POST', `/api/v1/tickets/${number}/solution/reject`, { token, body: { reason } });
}

/** The requester approves the pending solution of ticket `number` (it becomes closed). */
export async function approveSolution(account, number) {
  const token = await accessToken(account);
  return call('POST', `/api/v1/tickets/${number}/solution/approve`, { token, body: {} });
}

/**
 * Creates a company named `name` with a free service code and a gold contract valid since
 * yesterday, as the administrator of `token`; gives the company.
 */
export async function createCompanyWithContract(token, name) {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const code = String(1000 + Math.floor(Math.random() * 9000));
    const response = await fetch(new URL('/api/v1/companies', baseURL), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name, service_code: code, phone: '03 89 00 00 00' }),
    });
    // Another company has this code: try another one.
    if (response.status === 409) continue;
    if (!response.ok) throw new Error(`POST /api/v1/companies: ${response.status} ${await response.text()}`);
    const company = await response.json();
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await call('POST', `/api/v1/companies/${company.id}/contracts`, {
      token,
      body: { name: 'Assistance', level: 'gold', starts_on: yesterday, ends_on: null, category_ids: [], phone_support: true },
    });
    return company;
  }
  throw new Error('no free service code found');
}

/** Creates an account (POST /users) as the owner of `token`, without mailing an invitation. */
export async function createUser(token, person) {
  return call('POST', '/api/v1/users', { token, body: { send_invitation: false, ...person } });
}

/** Changes an account (PATCH /users/{id}) as the owner of `token`. */
export async function updateUser(token, id, changes) {
  return call('PATCH', `/api/v1/users/${id}`, { token, body: changes });
}

/** The people matching `q` (GET /users), as the owner of `token`. */
export async function findUsers(token, q) {
  return call('GET', `/api/v1/users?q=${encodeURIComponent(q)}`, { token });
}
