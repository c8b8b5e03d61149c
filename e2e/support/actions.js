// What a person does, step by step, through the locators.
import { adminPage, changePasswordForm, header, newTicketForm, signInForm, ticketPage } from './locators.js';

export async function visit(page, path) {
  await page.goto(path);
}

export async function signIn(page, { email, password }, lang = 'fr') {
  const form = signInForm(page, lang);
  await form.email.fill(email);
  await form.password.fill(password);
  await form.submit.click();
}

export async function signOut(page) {
  await header(page).signOut.click();
  await signInForm(page).email.waitFor({ state: 'visible' });
}

/**
 * Presses a language button. Signed in, the choice is saved on the profile in the background:
 * wait for that save, so that a page loaded next (a visit, a reload) finds it.
 */
async function switchLanguage(page, button) {
  const signedIn = (await page.getByRole('button', { name: /^(Se déconnecter|Sign out)$/ }).count()) > 0;
  const changes = (await button.getAttribute('aria-pressed')) !== 'true';
  const saved = signedIn && changes
    ? page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH')
    : null;
  await button.click();
  await saved;
}

export async function switchToEnglish(page) {
  await switchLanguage(page, header(page).english);
}

export async function switchToFrench(page) {
  await switchLanguage(page, header(page).french);
}

export async function changePassword(page, { current, next }) {
  const form = changePasswordForm(page);
  await form.current.fill(current);
  await form.next.fill(next);
  await form.confirm.fill(next);
  await form.submit.click();
}

/** Fills the new-ticket form; the category is the first one offered for the kind. */
export async function fillTicket(page, { title, description, urgency = 'high' }) {
  const form = newTicketForm(page);
  await form.incident.check();
  // Options arrive with GET /categories: wait for the first real one.
  await form.category.locator('option[value]:not([value=""])').first().waitFor({ state: 'attached' });
  const first = await form.category.locator('option[value]:not([value=""])').first().getAttribute('value');
  await form.category.selectOption(first);
  await form.urgency.selectOption(urgency);
  await form.title.fill(title);
  await form.description.fill(description);
}

export async function submitTicket(page) {
  await newTicketForm(page).submit.click();
}

/** Keeps every answer of the API, to check afterwards which requests were made. */
export function recordApi(page) {
  const answers = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/api/')) {
      answers.push({ method: response.request().method(), path: url.pathname, status: response.status() });
    }
  });
  return answers;
}

/** Writes a message on the ticket's page; `internal` ticks the agents' internal-note box. */
export async function writeFollowup(page, body, { internal = false } = {}) {
  const ticket = ticketPage(page);
  await ticket.message.fill(body);
  if (internal) {
    await ticket.internal.check();
  }
  await ticket.sendMessage.click();
  // Saved: the history, reloaded, shows it.
  await ticket.event(body).first().waitFor({ state: 'visible' });
}

export async function proposeSolution(page, body) {
  const ticket = ticketPage(page);
  await ticket.solution.fill(body);
  await ticket.proposeSolution.click();
}

export async function rejectSolution(page, reason) {
  const ticket = ticketPage(page);
  await ticket.rejectReason.fill(reason);
  await ticket.reject.click();
}

export async function approveSolution(page, comment) {
  const ticket = ticketPage(page);
  await ticket.approveComment.fill(comment);
  await ticket.approve.click();
}

export async function rate(page, rating, comment) {
  const ticket = ticketPage(page);
  await ticket.rating(rating).check();
  await ticket.ratingComment.fill(comment);
  await ticket.rate.click();
}

/** Opens a part of the administration (companies, people, categories, audit, announcements) from the header. */
export async function openAdministration(page, part, lang = 'fr') {
  const admin = adminPage(page, lang);
  await admin.nav.click();
  await admin.part(part).click();
}
