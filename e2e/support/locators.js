// How a person finds things on each screen: by role and accessible name, in both languages.
export const words = {
  fr: {
    signInHeading: 'Connexion', email: 'Adresse e-mail', password: 'Mot de passe', signIn: 'Se connecter',
    signInFailed: 'Adresse e-mail ou mot de passe incorrect.',
    changePasswordHeading: 'Changez votre mot de passe', currentPassword: 'Mot de passe actuel',
    newPassword: 'Nouveau mot de passe', confirmPassword: 'Confirmation du nouveau mot de passe',
    changePassword: 'Changer le mot de passe', ruleMet: 'respecté',
    ticketsHeading: 'Mes tickets', newTicketHeading: 'Nouveau ticket', newTicketLink: 'Nouveau ticket',
    kindIncident: /^Incident/, category: 'Catégorie', urgency: 'Urgence', title: 'Titre', description: 'Description',
    create: 'Créer le ticket', search: 'Rechercher', status: 'Statut', signOut: 'Se déconnecter',
    required: 'Ce champ est obligatoire.', created: /Le ticket (T\d{8}\.\d{4,}) a été créé/,
    notFoundHeading: 'Page introuvable', scopeCompany: 'Tous les tickets de ma société',
  },
  en: {
    signInHeading: 'Sign in', email: 'Email address', password: 'Password', signIn: 'Sign in',
    signInFailed: 'Incorrect email address or password.',
    ticketsHeading: 'My tickets', newTicketHeading: 'New ticket',
  },
};

export function signInForm(page, lang = 'fr') {
  const w = words[lang];
  return {
    heading: page.getByRole('heading', { level: 1, name: w.signInHeading, exact: true }),
    email: page.getByRole('textbox', { name: w.email, exact: true }),
    password: page.getByLabel(w.password, { exact: true }),
    submit: page.getByRole('main').getByRole('button', { name: w.signIn, exact: true }),
    failure: page.getByText(w.signInFailed),
  };
}

export function header(page) {
  return {
    banner: page.getByRole('banner'),
    french: page.getByRole('button', { name: 'Français' }),
    english: page.getByRole('button', { name: 'English' }),
    signOut: page.getByRole('button', { name: words.fr.signOut }),
  };
}

export function changePasswordForm(page) {
  const w = words.fr;
  return {
    heading: page.getByRole('heading', { level: 1, name: w.changePasswordHeading }),
    current: page.getByLabel(w.currentPassword, { exact: true }),
    next: page.getByLabel(w.newPassword, { exact: true }),
    confirm: page.getByLabel(w.confirmPassword, { exact: true }),
    submit: page.getByRole('button', { name: w.changePassword }),
    /** The checklist item of a rule, once the typed password meets it. */
    ruleMet: (text) => page.getByRole('listitem').filter({ hasText: text }).filter({ hasText: `(${w.ruleMet})` }),
  };
}

export function ticketList(page) {
  const w = words.fr;
  return {
    heading: page.getByRole('heading', { level: 1, name: w.ticketsHeading }),
    newTicket: page.getByRole('main').getByRole('link', { name: w.newTicketLink }),
    status: page.getByRole('combobox', { name: w.status }),
    search: page.getByRole('searchbox', { name: w.search }),
    searchSubmit: page.getByRole('search').getByRole('button', { name: w.search }),
    table: page.getByRole('table'),
    row: (text) => page.getByRole('row').filter({ hasText: text }),
    flash: page.getByRole('status').filter({ hasText: w.created }),
    scopeCompany: page.getByRole('radio', { name: w.scopeCompany }),
  };
}

export function newTicketForm(page) {
  const w = words.fr;
  return {
    heading: page.getByRole('heading', { level: 1, name: w.newTicketHeading }),
    incident: page.getByRole('radio', { name: w.kindIncident }),
    category: page.getByRole('combobox', { name: w.category }),
    urgency: page.getByRole('combobox', { name: w.urgency }),
    title: page.getByRole('textbox', { name: w.title }),
    description: page.getByRole('textbox', { name: w.description }),
    submit: page.getByRole('button', { name: w.create, exact: true }),
    /** The error shown under a field, found through the field's aria-describedby. */
    errorOf: (field) => page.locator(`#${field}-error`),
    summary: page.locator('.live'),
  };
}
