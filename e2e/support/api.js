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
export async function createTicket(token, ticket) {
  return call('POST', '/api/v1/tickets', { token, body: ticket });
}

/** Any GET of the API, as the owner of `token`. */
export async function get(token, path) {
  return call('GET', path, { token });
}
