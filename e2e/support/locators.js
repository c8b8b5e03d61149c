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
    notFoundHeading: 'Page introuvable', scopeCompany: 'Tickets de mon entreprise',
    scopeAll: 'Tous les tickets', files: 'Pièces jointes', tooLarge: 'Ce fichier dépasse 2 Mo',
    history: 'Historique', attachments: 'Pièces jointes', message: 'Votre message',
    internal: /^Note interne/, sendMessage: 'Envoyer le message', solution: 'Solution',
    proposeSolution: 'Proposer la solution', rejectReason: 'Pourquoi la solution ne convient-elle pas ?',
    reject: 'Refuser la solution', approveComment: 'Commentaire (facultatif)', approve: 'Approuver la solution',
    solutionHeading: 'Une solution vous est proposée', rate: 'Envoyer mon avis',
    ratingComment: 'Commentaire (facultatif)', setStatus: (status) => `Passer à « ${status} »`,
    assignMe: "M'attribuer le ticket", impact: 'Impact', changeImpact: "Changer l'impact",
    shareWith: 'Partager avec (adresse e-mail)', share: 'Partager',
    unshare: (email) => `Retirer le partage avec ${email}`, reopen: 'Rouvrir le ticket',
    stale: 'Le ticket a été modifié entre-temps', download: 'Télécharger',
  },
  en: {
    signInHeading: 'Sign in', email: 'Email address', password: 'Password', signIn: 'Sign in',
    signInFailed: 'Incorrect email address or password.',
    ticketsHeading: 'My tickets', newTicketHeading: 'New ticket', history: 'History',
    notFoundHeading: 'Page not found',
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

export function header(page, lang = 'fr') {
  const w = { fr: { home: 'Accueil', profile: 'Mon profil' }, en: { home: 'Home', profile: 'My profile' } }[lang];
  const banner = page.getByRole('banner');
  return {
    banner,
    french: page.getByRole('button', { name: 'Français' }),
    english: page.getByRole('button', { name: 'English' }),
    signOut: page.getByRole('button', { name: words.fr.signOut }),
    brand: banner.getByRole('link', { name: 'Guichet', exact: true }),
    home: banner.getByRole('navigation').getByRole('link', { name: w.home, exact: true }),
    myTickets: banner.getByRole('navigation').getByRole('link', { name: words.fr.ticketsHeading, exact: true }),
    profile: banner.getByRole('link', { name: w.profile, exact: true }),
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
    scopeAll: page.getByRole('radio', { name: w.scopeAll, exact: true }),
    /** The link of a ticket's number, in its row. */
    link: (number) => page.getByRole('link', { name: number, exact: true }),
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
    files: page.getByLabel(w.files, { exact: true }),
    /** The error shown under a field, found through the field's aria-describedby. */
    errorOf: (field) => page.locator(`#${field}-error`),
    summary: page.locator('.live'),
  };
}

export function ticketPage(page, lang = 'fr') {
  const w = words[lang];
  const history = page.getByRole('region', { name: w.history, exact: true });
  return {
    heading: (title) => page.getByRole('heading', { level: 1, name: title }),
    /** The status shown under the title. */
    status: page.locator('.ticket-head .status'),
    history,
    event: (text) => history.getByRole('listitem').filter({ hasText: text }),
    attachments: page.getByRole('region', { name: words.fr.attachments, exact: true }),
    download: (name) => page.getByRole('button', { name: `${words.fr.download} ${name}` }),
    message: page.getByRole('textbox', { name: words.fr.message }),
    internal: page.getByRole('checkbox', { name: words.fr.internal }),
    sendMessage: page.getByRole('button', { name: words.fr.sendMessage }),
    setStatus: (status) => page.getByRole('button', { name: words.fr.setStatus(status) }),
    assignMe: page.getByRole('button', { name: words.fr.assignMe }),
    impact: page.getByRole('combobox', { name: words.fr.impact, exact: true }),
    changeImpact: page.getByRole('button', { name: words.fr.changeImpact }),
    // Its label ends with the required mark.
    solution: page.getByRole('textbox', { name: new RegExp(`^${words.fr.solution}`) }),
    proposeSolution: page.getByRole('button', { name: words.fr.proposeSolution }),
    solutionHeading: page.getByRole('heading', { name: words.fr.solutionHeading }),
    rejectReason: page.getByRole('textbox', { name: words.fr.rejectReason }),
    reject: page.getByRole('button', { name: words.fr.reject }),
    approveComment: page.getByRole('textbox', { name: words.fr.approveComment }),
    approve: page.getByRole('button', { name: words.fr.approve }),
    rating: (n) => page.getByRole('radio', { name: new RegExp(`^${n} sur 5`) }),
    ratingComment: page.getByRole('textbox', { name: words.fr.ratingComment }),
    rate: page.getByRole('button', { name: words.fr.rate }),
    shareWith: page.getByRole('textbox', { name: words.fr.shareWith }),
    share: page.getByRole('button', { name: words.fr.share, exact: true }),
    unshare: (email) => page.getByRole('button', { name: words.fr.unshare(email) }),
    reopenReason: page.getByRole('textbox', { name: 'Raison de la réouverture' }),
    reopen: page.getByRole('button', { name: words.fr.reopen }),
    attachFile: page.getByLabel('Fichier à joindre', { exact: true }),
    attach: page.getByRole('button', { name: 'Joindre le fichier' }),
    withdrawReason: page.getByRole('textbox', { name: 'Pourquoi le fermer ?' }),
    withdraw: page.getByRole('button', { name: 'Fermer le ticket' }),
    /** The page's notice under the title (outcomes of the actions that change the status). */
    notice: page.locator('#ticket-notice'),
    details: page.getByRole('region', { name: 'Informations' }),
  };
}

/** Forgotten password, the pages of mailed links, and the access request. */
export function recoveryPages(page, lang = 'fr') {
  const w = {
    fr: {
      forgotLink: 'Mot de passe oublié ?', forgotHeading: 'Mot de passe oublié', sendLink: 'Envoyer le lien',
      sent: /Si un compte existe pour cette adresse/, resetHeading: 'Nouveau mot de passe',
      setHeading: 'Choisir mon mot de passe', newPassword: 'Nouveau mot de passe',
      confirmPassword: 'Confirmation du nouveau mot de passe', resetSubmit: 'Changer le mot de passe',
      setSubmit: 'Enregistrer le mot de passe', passwordSet: 'Votre mot de passe est enregistré',
      invalidToken: "Ce lien n'est plus valable", accessLink: 'Demander un accès',
      accessHeading: 'Demander un accès', fullName: 'Nom complet', email: 'Adresse e-mail',
      serviceCode: 'Code de service', accessSubmit: 'Envoyer la demande', accessSent: /Merci\. Si votre adresse est connue/,
      codeError: 'Saisissez exactement 4 chiffres.',
    },
    en: {
      forgotLink: 'Forgot your password?', forgotHeading: 'Forgotten password', sendLink: 'Send the link',
      sent: /If an account exists for this address/, accessLink: 'Request access',
    },
  }[lang];
  return {
    forgotLink: page.getByRole('link', { name: w.forgotLink }),
    forgotHeading: page.getByRole('heading', { level: 1, name: w.forgotHeading }),
    email: page.getByRole('textbox', { name: w.email ?? 'Email address', exact: true }),
    sendLink: page.getByRole('button', { name: w.sendLink }),
    sent: page.getByRole('status').filter({ hasText: w.sent }),
    resetHeading: page.getByRole('heading', { level: 1, name: w.resetHeading }),
    setHeading: page.getByRole('heading', { level: 1, name: w.setHeading }),
    newPassword: page.getByLabel(w.newPassword, { exact: true }),
    confirmPassword: page.getByLabel(w.confirmPassword, { exact: true }),
    resetSubmit: page.getByRole('button', { name: w.resetSubmit }),
    setSubmit: page.getByRole('button', { name: w.setSubmit }),
    passwordSet: page.getByRole('status').filter({ hasText: w.passwordSet }),
    invalidToken: page.getByText(w.invalidToken),
    accessLink: page.getByRole('link', { name: w.accessLink }),
    accessHeading: page.getByRole('heading', { level: 1, name: w.accessHeading }),
    fullName: page.getByRole('textbox', { name: w.fullName }),
    serviceCode: page.getByRole('textbox', { name: w.serviceCode }),
    accessSubmit: page.getByRole('button', { name: w.accessSubmit }),
    accessSent: page.getByRole('status').filter({ hasText: w.accessSent }),
    codeError: w.codeError,
  };
}

/** "J'ai perdu mon compte support": the form for someone who can no longer sign in at all. */
export function lostAccountPage(page, lang = 'fr') {
  const w = {
    fr: {
      link: "J'ai perdu mon compte support", heading: 'Compte support perdu', fullName: 'Nom complet',
      company: 'Société', email: 'Adresse e-mail où vous joindre', phone: 'Téléphone (facultatif)',
      message: "Que s'est-il passé ?", submit: 'Envoyer au support', sent: /Votre demande est transmise au support/,
      required: 'Ce champ est obligatoire.', badEmail: "Cette adresse e-mail n'est pas valide.",
      badPhone: 'Saisissez un numéro de téléphone',
    },
    en: {
      link: 'I lost my support account', heading: 'Lost support account', fullName: 'Full name',
      company: 'Company', email: 'Email address to reach you', phone: 'Phone (optional)',
      message: 'What happened?', submit: 'Send to the support team', sent: /Your request has reached the support team/,
      required: 'This field is required.',
    },
  }[lang];
  return {
    link: page.getByRole('link', { name: w.link }),
    heading: page.getByRole('heading', { level: 1, name: w.heading }),
    fullName: page.getByRole('textbox', { name: w.fullName, exact: true }),
    company: page.getByRole('textbox', { name: w.company, exact: true }),
    email: page.getByRole('textbox', { name: w.email, exact: true }),
    phone: page.getByRole('textbox', { name: w.phone, exact: true }),
    message: page.getByRole('textbox', { name: w.message, exact: true }),
    submit: page.getByRole('button', { name: w.submit }),
    sent: page.getByRole('status').filter({ hasText: w.sent }),
    words: w,
  };
}

/** Support team: the received mails that created nothing. */
export function rejectedMailsPage(page, lang = 'fr') {
  const w = {
    fr: { nav: 'Mails rejetés', heading: 'Mails rejetés', badSignature: 'Adresse de réponse invalide', download: 'Télécharger (.eml)' },
    en: { nav: 'Rejected mails', heading: 'Rejected mails', badSignature: 'Invalid reply address', download: 'Download (.eml)' },
  }[lang];
  const table = page.getByRole('table', { name: w.heading });
  return {
    nav: page.getByRole('navigation').getByRole('link', { name: w.nav }),
    heading: page.getByRole('heading', { level: 1, name: w.heading }),
    row: (text) => table.getByRole('row').filter({ hasText: text }),
    words: w,
  };
}

/** "Que voulez-vous faire ?": the announcements of the support team and the three choices. */
export function landingPage(page, lang = 'fr') {
  const w = {
    fr: {
      heading: 'Que voulez-vous faire ?', announcements: 'Annonces du support', create: 'Créer un ticket',
      tickets: 'Voir mes tickets', search: 'Rechercher dans les tickets', searchSubmit: 'Rechercher',
      welcome: 'Bienvenue sur le nouveau portail client',
    },
    en: {
      heading: 'What do you want to do?', announcements: 'News from the support team', create: 'Create a ticket',
      tickets: 'View my tickets', search: 'Search the tickets', searchSubmit: 'Search',
      welcome: 'Welcome to the new customer portal',
    },
  }[lang];
  const main = page.getByRole('main');
  const announcements = page.getByRole('complementary', { name: w.announcements });
  return {
    heading: page.getByRole('heading', { level: 1, name: w.heading }),
    announcements,
    /** One announcement, by its title. */
    announcement: (title) => announcements.getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3, name: title }) }),
    create: main.getByRole('link', { name: w.create, exact: true }),
    tickets: main.getByRole('link', { name: w.tickets, exact: true }),
    search: main.getByRole('searchbox', { name: w.search }),
    searchSubmit: main.getByRole('search').getByRole('button', { name: w.searchSubmit }),
    words: w,
  };
}

/** "Mon profil": the editable fields, the account's role and company, the password link. */
export function profilePage(page, lang = 'fr') {
  const w = {
    fr: {
      heading: 'Mon profil', firstName: /^Prénom/, lastName: /^Nom\b/, jobTitle: 'Fonction',
      officePhone: 'Téléphone du bureau', email: /^Adresse e-mail/, language: 'Langue',
      showLanding: "Afficher la page d'accueil à la connexion", save: 'Enregistrer',
      saved: 'Votre profil est enregistré.', account: 'Compte', passwordLink: 'Changer mon mot de passe',
      passwordChanged: 'Votre mot de passe est changé', required: 'Ce champ est obligatoire.',
      badEmail: "Cette adresse e-mail n'est pas valide.", wrongPassword: 'Le mot de passe actuel est incorrect.',
    },
    en: {
      heading: 'My profile', firstName: /^First name/, language: 'Language', save: 'Save',
      saved: 'Your profile has been saved.', account: 'Account',
    },
  }[lang];
  return {
    heading: page.getByRole('heading', { level: 1, name: w.heading }),
    firstName: page.getByRole('textbox', { name: w.firstName }),
    lastName: page.getByRole('textbox', { name: w.lastName }),
    jobTitle: page.getByRole('textbox', { name: w.jobTitle, exact: true }),
    officePhone: page.getByRole('textbox', { name: w.officePhone, exact: true }),
    email: page.getByRole('textbox', { name: w.email }),
    language: page.getByRole('combobox', { name: w.language, exact: true }),
    showLanding: page.getByRole('checkbox', { name: w.showLanding }),
    save: page.getByRole('button', { name: w.save, exact: true }),
    saved: page.getByRole('status').filter({ hasText: w.saved }),
    account: page.getByRole('region', { name: w.account, exact: true }),
    passwordLink: page.getByRole('link', { name: w.passwordLink }),
    passwordChanged: page.getByRole('status').filter({ hasText: w.passwordChanged }),
    summary: page.locator('#error-summary'),
    words: w,
  };
}

/** Administrators: the hub of the administration, reached from the header. */
export function adminPage(page, lang = 'fr') {
  const w = {
    fr: {
      nav: 'Administration', companies: 'Entreprises', people: 'Personnes', categories: 'Catégories',
      audit: "Journal d'audit", announcements: 'Annonces', serviceAccounts: 'Comptes de service',
      webhooks: 'Webhooks', deadJobs: 'Envois en échec',
    },
    en: {
      nav: 'Administration', companies: 'Companies', people: 'People', categories: 'Categories',
      audit: 'Audit log', announcements: 'Announcements', serviceAccounts: 'Service accounts',
      webhooks: 'Webhooks', deadJobs: 'Failed deliveries',
    },
  }[lang];
  return {
    nav: page.getByRole('navigation').getByRole('link', { name: w.nav, exact: true }),
    heading: page.getByRole('heading', { level: 1, name: w.nav, exact: true }),
    /** The link to a part: companies, people, categories, audit or announcements. */
    part: (name) => page.getByRole('main').getByRole('link', { name: w[name], exact: true }),
    words: w,
  };
}

/** Administrators: the announcements of the landing page, listed, written and deleted. */
export function announcementsPage(page, lang = 'fr') {
  const w = {
    fr: {
      nav: 'Annonces', heading: 'Annonces', list: 'Toutes les annonces', newHeading: 'Nouvelle annonce',
      editHeading: "Modifier l'annonce", title: /^Titre/, body: /^Texte/, readers: 'Lecteurs',
      startsAt: 'Début de publication', endsAt: 'Fin de publication', publish: "Publier l'annonce",
      save: "Enregistrer l'annonce", cancel: 'Annuler', created: "L'annonce est publiée.",
      saved: "L'annonce est enregistrée.", deleted: "L'annonce est supprimée.",
      edit: (title) => `Modifier « ${title} »`, delete: (title) => `Supprimer « ${title} »`,
      confirmDelete: 'Oui, supprimer', question: 'Supprimer définitivement cette annonce ?',
      required: 'Ce champ est obligatoire.', beforeStart: 'La fin doit venir après le début.',
      current: 'En cours', upcoming: 'À venir', expired: 'Terminée', allLanguages: 'Toutes les langues',
      french: 'Français', english: 'Anglais',
    },
    en: {
      nav: 'Announcements', heading: 'Announcements', list: 'All announcements', newHeading: 'New announcement',
      editHeading: 'Edit the announcement', title: /^Title/, body: /^Text/, readers: 'Readers',
      startsAt: 'Publication start', endsAt: 'Publication end', publish: 'Publish the announcement',
      save: 'Save the announcement', cancel: 'Cancel', created: 'The announcement is published.',
      saved: 'The announcement has been saved.', deleted: 'The announcement has been deleted.',
      edit: (title) => `Edit “${title}”`, delete: (title) => `Delete “${title}”`,
      confirmDelete: 'Yes, delete', question: 'Delete this announcement for good?',
      required: 'This field is required.', beforeStart: 'The end must come after the start.',
      current: 'Current', upcoming: 'Upcoming', expired: 'Ended', allLanguages: 'All languages',
      french: 'French', english: 'English',
    },
  }[lang];
  const table = page.getByRole('table', { name: w.list });
  const form = page.getByRole('region', { name: new RegExp(`^(${w.newHeading}|${w.editHeading})$`) });
  return {
    nav: page.getByRole('navigation').getByRole('link', { name: w.nav, exact: true }),
    heading: page.getByRole('heading', { level: 1, name: w.heading, exact: true }),
    table,
    /** The row of an announcement, by its title. */
    row: (title) => table.getByRole('row').filter({ has: page.getByRole('cell', { name: title, exact: true }) }),
    formHeading: (editing = false) => page.getByRole('heading', { level: 2, name: editing ? w.editHeading : w.newHeading }),
    form,
    title: form.getByRole('textbox', { name: w.title }),
    body: form.getByRole('textbox', { name: w.body }),
    readers: form.getByRole('combobox', { name: w.readers }),
    startsAt: form.getByLabel(w.startsAt, { exact: true }),
    endsAt: form.getByLabel(w.endsAt, { exact: true }),
    publish: form.getByRole('button', { name: w.publish }),
    save: form.getByRole('button', { name: w.save }),
    cancel: form.getByRole('button', { name: w.cancel }),
    edit: (title) => page.getByRole('button', { name: w.edit(title), exact: true }),
    delete: (title) => page.getByRole('button', { name: w.delete(title), exact: true }),
    confirmDelete: page.getByRole('button', { name: w.confirmDelete }),
    notice: (text) => page.getByRole('status').filter({ hasText: text }),
    summary: page.locator('#error-summary'),
    words: w,
  };
}

/** The "Plus" / "More" button of a long announcement on the landing page. */
export function moreToggle(announcement, lang = 'fr') {
  const names = { fr: /^(Plus|Moins)$/, en: /^(More|Less)$/ }[lang];
  return announcement.getByRole('button', { name: names });
}

/** The support team's companies: the list (`/admin/companies`) and a company's page. */
export function companiesPage(page, lang = 'fr') {
  const w = {
    fr: {
      nav: 'Entreprises', heading: 'Entreprises', newHeading: 'Nouvelle entreprise', editHeading: "Modifier l'entreprise",
      name: 'Nom', code: 'Code de service', manager: 'Responsable de compte', phone: 'Ligne du support', notes: 'Notes',
      create: "Créer l'entreprise", save: 'Enregistrer', search: 'Rechercher', state: 'État', back: 'Toutes les entreprises',
      contracts: 'Contrats', newContract: 'Nouveau contrat', level: 'Niveau', starts: 'Premier jour', ends: 'Dernier jour',
      phoneSupport: 'Assistance téléphonique', covered: 'Catégories couvertes', validToday: "Valide aujourd'hui",
      contacts: 'Contacts connus', newContact: 'Nouveau contact', email: 'Adresse e-mail', fullName: 'Nom complet', contactPhone: 'Téléphone',
      assets: 'Matériels', csv: 'Fichier CSV', import: 'Importer', noAsset: 'Aucun matériel.',
      taken: 'Cette valeur est déjà utilisée.', required: 'Ce champ est obligatoire.', added: "L'ajout est enregistré.",
      refused: "Rien n'est importé. À corriger\u00a0:", imported: (n) => `Matériels importés\u00a0: ${n}.`,
      line: (n) => `Ligne ${n}`, columns: 'Il faut 4 colonnes.', allCovered: 'Aucune cochée\u00a0: toutes les catégories sont couvertes.',
    },
    en: {
      nav: 'Companies', heading: 'Companies', newHeading: 'New company', editHeading: 'Edit the company',
      name: 'Name', code: 'Service code', manager: 'Account manager', phone: 'Support phone line', notes: 'Notes',
      create: 'Create the company', save: 'Save', search: 'Search', state: 'State', back: 'All companies',
      contracts: 'Contracts', newContract: 'New contract', level: 'Level', starts: 'First day', ends: 'Last day',
      phoneSupport: 'Phone support', covered: 'Covered categories', validToday: 'Valid today',
      contacts: 'Known contacts', newContact: 'New contact', email: 'Email address', fullName: 'Full name', contactPhone: 'Phone',
      assets: 'Assets', csv: 'CSV file', import: 'Import', noAsset: 'No asset.',
      taken: 'This value is already in use.', required: 'This field is required.', added: 'It has been added.',
      refused: 'Nothing was imported. To fix:', imported: (n) => `Assets imported: ${n}.`,
      line: (n) => `Line ${n}`, columns: '4 columns are expected.', allCovered: 'None checked: every category is covered.',
    },
  }[lang];
  const region = (name) => page.getByRole('region', { name, exact: true });
  const companyForm = page.getByRole('region', { name: new RegExp(`^(${w.newHeading}|${w.editHeading})$`) });
  const contracts = region(w.contracts);
  const contractForm = contracts.getByRole('region', { name: w.newContract, exact: true });
  const contacts = region(w.contacts);
  const contactForm = contacts.getByRole('region', { name: w.newContact, exact: true });
  const assets = region(w.assets);
  return {
    nav: page.getByRole('navigation').getByRole('link', { name: w.nav, exact: true }),
    heading: page.getByRole('heading', { level: 1, name: w.heading, exact: true }),
    /** The heading of a company's page, which starts with its name. */
    companyHeading: (name) => page.getByRole('heading', { level: 1, name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) }),
    search: page.getByRole('searchbox', { name: w.search }),
    searchButton: page.getByRole('button', { name: w.search, exact: true }),
    link: (name) => page.getByRole('table', { name: w.heading }).getByRole('link', { name, exact: true }),
    back: page.getByRole('link', { name: w.back }),
    companyForm,
    name: companyForm.getByRole('textbox', { name: w.name, exact: true }),
    code: companyForm.getByRole('textbox', { name: w.code }),
    manager: companyForm.getByRole('combobox', { name: w.manager }),
    phone: companyForm.getByRole('textbox', { name: w.phone }),
    notes: companyForm.getByRole('textbox', { name: w.notes }),
    create: companyForm.getByRole('button', { name: w.create }),
    save: companyForm.getByRole('button', { name: w.save }),
    contracts,
    newContract: contracts.getByRole('button', { name: w.newContract }),
    contractForm,
    contractName: contractForm.getByRole('textbox', { name: w.name, exact: true }),
    level: contractForm.getByRole('combobox', { name: w.level }),
    starts: contractForm.getByLabel(w.starts, { exact: true }),
    ends: contractForm.getByLabel(w.ends, { exact: true }),
    phoneSupport: contractForm.getByRole('checkbox', { name: w.phoneSupport }),
    category: (name) => contractForm.getByRole('checkbox', { name, exact: true }),
    saveContract: contractForm.getByRole('button', { name: w.save }),
    contractRow: (name) => contracts.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) }),
    contacts,
    newContact: contacts.getByRole('button', { name: w.newContact }),
    contactForm,
    email: contactForm.getByRole('textbox', { name: w.email }),
    fullName: contactForm.getByRole('textbox', { name: w.fullName }),
    contactPhone: contactForm.getByRole('textbox', { name: w.contactPhone }),
    saveContact: contactForm.getByRole('button', { name: w.save }),
    contactRow: (email) => contacts.getByRole('row').filter({ has: page.getByRole('cell', { name: email, exact: true }) }),
    assets,
    csv: assets.getByLabel(w.csv, { exact: true }),
    importButton: assets.getByRole('button', { name: w.import, exact: true }),
    importProblems: page.locator('#import-problems'),
    assetRow: (name) => assets.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) }),
    notice: (text) => page.getByRole('status').filter({ hasText: text }),
    words: w,
  };
}

/** The support team's people: the search, the invitation form and a person's page (issue 14). */
export function peoplePages(page, lang = 'fr') {
  const w = {
    fr: {
      nav: 'Personnes', heading: 'Personnes', search: 'Rechercher', company: 'Société', role: 'Rôle', state: 'Compte',
      results: 'Résultats', invite: 'Inviter une personne', firstName: 'Prénom', lastName: 'Nom',
      email: 'Adresse e-mail', officePhone: 'Téléphone du bureau', mobilePhone: 'Téléphone mobile', language: 'Langue',
      sendInvitation: "Envoyer l'invitation", invited: (email) => `Invitation envoyée à ${email}.`,
      edit: 'Modifier la fiche', active: 'Compte actif (peut se connecter)', save: 'Enregistrer',
      saved: 'La fiche est enregistrée.', resend: "Renvoyer l'invitation", reset: 'Envoyer un lien de réinitialisation',
      unlock: 'Lever le blocage de connexion', resent: 'Invitation envoyée.', resetSent: 'Lien de réinitialisation envoyé.',
      unlocked: 'Blocage de connexion levé.', customer: 'Client', referent: 'Référent de la société', agent: 'Agent du support',
      activeState: 'Actif', inactiveState: 'Désactivé', inactiveFilter: 'Désactivé', any: 'Tous',
      required: 'Ce champ est obligatoire.', taken: 'Cette valeur est déjà utilisée.',
      badEmail: "Cette adresse e-mail n'est pas valide.", french: 'Français', english: 'Anglais',
    },
    en: {
      nav: 'People', heading: 'People', search: 'Search', company: 'Company', role: 'Role', state: 'Account',
      results: 'Results', invite: 'Invite a person', firstName: 'First name', lastName: 'Last name',
      email: 'Email address', language: 'Language', sendInvitation: 'Send the invitation',
      invited: (email) => `Invitation sent to ${email}.`, edit: 'Edit the details', save: 'Save',
      customer: 'Customer', required: 'This field is required.', taken: 'This value is already in use.',
    },
  }[lang];
  const main = page.getByRole('main');
  const table = page.getByRole('table', { name: w.results });
  return {
    nav: page.getByRole('navigation').getByRole('link', { name: w.nav, exact: true }),
    heading: page.getByRole('heading', { level: 1, name: w.heading, exact: true }),
    search: main.getByRole('searchbox', { name: w.search, exact: true }),
    searchSubmit: page.getByRole('search').getByRole('button', { name: w.search, exact: true }),
    companyFilter: page.getByRole('search').getByRole('combobox', { name: w.company, exact: true }),
    roleFilter: page.getByRole('search').getByRole('combobox', { name: w.role, exact: true }),
    stateFilter: page.getByRole('search').getByRole('combobox', { name: w.state, exact: true }),
    table,
    /** The row of a person, by a text in it (their address). */
    row: (text) => table.getByRole('row').filter({ hasText: text }),
    personLink: (name) => table.getByRole('link', { name, exact: true }),
    inviteLink: main.getByRole('link', { name: w.invite, exact: true }),
    inviteHeading: page.getByRole('heading', { level: 1, name: w.invite, exact: true }),
    firstName: main.getByRole('textbox', { name: w.firstName, exact: true }),
    lastName: main.getByRole('textbox', { name: w.lastName, exact: true }),
    email: main.getByRole('textbox', { name: w.email, exact: true }),
    officePhone: main.getByRole('textbox', { name: w.officePhone, exact: true }),
    company: main.getByRole('combobox', { name: w.company, exact: true }),
    role: main.getByRole('combobox', { name: w.role, exact: true }),
    language: main.getByRole('combobox', { name: w.language, exact: true }),
    sendInvitation: main.getByRole('button', { name: w.sendInvitation, exact: true }),
    invited: (email) => page.getByRole('status').filter({ hasText: w.invited(email) }),
    personHeading: (name) => page.getByRole('heading', { level: 1, name, exact: true }),
    editHeading: page.getByRole('heading', { level: 2, name: w.edit, exact: true }),
    active: main.getByRole('checkbox', { name: w.active, exact: true }),
    save: main.getByRole('button', { name: w.save, exact: true }),
    notice: (text) => page.getByRole('status').filter({ hasText: text }),
    resend: main.getByRole('button', { name: w.resend, exact: true }),
    reset: main.getByRole('button', { name: w.reset, exact: true }),
    unlock: main.getByRole('button', { name: w.unlock, exact: true }),
    details: page.locator('.details'),
    summary: page.locator('#error-summary'),
    words: w,
  };
}

/** The support team's part of the new-ticket form: the requester and the channel (issue 14). */
export function requesterPicker(page, lang = 'fr') {
  const w = {
    fr: {
      existing: 'Client existant', newCaller: 'Nouvel appelant', search: 'Rechercher un client', searchButton: 'Rechercher',
      change: 'Changer de demandeur', firstName: 'Prénom', lastName: 'Nom', email: 'Adresse e-mail', company: 'Société',
      phone: 'Téléphone (facultatif)', channel: 'Canal', phoneChannel: 'Téléphone', results: 'Résultats',
      none: 'Personne ne correspond.',
    },
    en: {
      existing: 'Existing customer', newCaller: 'New caller', search: 'Find a customer', searchButton: 'Search',
      change: 'Change the requester', firstName: 'First name', lastName: 'Last name', email: 'Email address',
      company: 'Company', phone: 'Phone (optional)', channel: 'Channel', phoneChannel: 'Phone', results: 'Results',
      none: 'Nobody matches.',
    },
  }[lang];
  const main = page.getByRole('main');
  return {
    existing: main.getByRole('radio', { name: w.existing, exact: true }),
    newCaller: main.getByRole('radio', { name: w.newCaller, exact: true }),
    search: main.getByRole('searchbox', { name: w.search, exact: true }),
    searchButton: main.getByRole('button', { name: w.searchButton, exact: true }),
    /** A search result, by a text in its line (the address). */
    result: (text) => main.getByRole('list', { name: w.results }).getByRole('button').filter({ hasText: text }),
    change: main.getByRole('button', { name: w.change, exact: true }),
    firstName: main.getByRole('textbox', { name: w.firstName, exact: true }),
    lastName: main.getByRole('textbox', { name: w.lastName, exact: true }),
    email: main.getByRole('textbox', { name: w.email, exact: true }),
    company: main.getByRole('combobox', { name: w.company, exact: true }),
    phone: main.getByRole('textbox', { name: w.phone, exact: true }),
    channel: main.getByRole('combobox', { name: w.channel, exact: true }),
    words: w,
  };
}

/** "Mes jetons d'API": the signed-in person's API tokens. */
export function tokensPage(page, lang = 'fr') {
  const w = {
    fr: {
      link: "Mes jetons d'API", heading: "Mes jetons d'API", list: 'Jetons actifs', none: "Aucun jeton pour l'instant.",
      newHeading: 'Nouveau jeton', name: /^Nom/, scopes: 'Droits', expiry: /^Date d'expiration/, create: 'Créer le jeton',
      secretHeading: 'Votre nouveau jeton', copy: 'Copier le jeton', copied: 'Jeton copié.', revoke: 'Révoquer',
      revoked: 'Le jeton est révoqué.', keep: 'Le garder', required: 'Ce champ est obligatoire.',
      neverUsed: 'Jamais utilisé',
    },
    en: {
      link: 'My API tokens', heading: 'My API tokens', list: 'Active tokens', none: 'No tokens yet.',
      newHeading: 'New token', name: /^Name/, scopes: 'Scopes', expiry: /^Expiry/, create: 'Create the token',
      secretHeading: 'Your new token', copy: 'Copy the token', copied: 'Token copied.', revoke: 'Revoke',
      revoked: 'The token is revoked.', keep: 'Keep it', required: 'This field is required.',
      neverUsed: 'Never used',
    },
  }[lang];
  const form = page.getByRole('region', { name: w.newHeading });
  const table = page.getByRole('table', { name: w.list });
  return {
    words: w,
    link: page.getByRole('link', { name: w.link, exact: true }),
    heading: page.getByRole('heading', { level: 1, name: w.heading, exact: true }),
    none: page.getByText(w.none, { exact: true }),
    table,
    row: (name) => table.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) }),
    form,
    name: form.getByRole('textbox', { name: w.name }),
    scopes: form.getByRole('group', { name: w.scopes }),
    scope: (wire) => form.getByRole('checkbox', { name: new RegExp(`^${wire}\\b`) }),
    expiry: form.getByLabel(w.expiry),
    create: form.getByRole('button', { name: w.create, exact: true }),
    secretPanel: page.getByRole('region', { name: w.secretHeading }),
    copy: page.getByRole('button', { name: w.copy, exact: true }),
    copied: page.getByRole('status').filter({ hasText: w.copied }),
    revoke: (name) => page.getByRole('button', { name: `${w.revoke} ${name}`, exact: true }),
    confirmRevoke: page.getByRole('button', { name: w.revoke, exact: true }),
    revoked: page.getByRole('status').filter({ hasText: w.revoked }),
  };
}

/** Administrators: the webhooks, their form, an endpoint's page and its deliveries. */
export function webhooksPage(page, lang = 'fr') {
  const w = {
    fr: {
      heading: 'Webhooks', newHeading: 'Nouveau webhook', url: 'URL', events: 'Événements', followup: 'Suivi',
      company: 'Société', active: /^Actif/, create: 'Créer le webhook', save: 'Enregistrer', refused: 'Adresse refusée',
      secretHeading: 'Secret de signature', copy: 'Copier le secret', test: 'Envoyer un événement de test',
      testSent: 'Événement de test envoyé.', saved: 'Webhook enregistré.', refresh: 'Actualiser',
      deliveries: 'Livraisons', delivered: 'Livrée', pending: 'En attente', dead: 'Abandonnée', redeliver: 'Renvoyer',
      redelivered: 'Livraison relancée.', rotate: 'Changer le secret', remove: 'Supprimer', confirmRemove: 'Oui, supprimer',
      ping: 'Test',
    },
    en: {
      heading: 'Webhooks', newHeading: 'New webhook', url: 'URL', events: 'Events', followup: 'Follow-up',
      company: 'Company', active: /^Active/, create: 'Create the webhook', save: 'Save', refused: 'Address refused',
      secretHeading: 'Signing secret', copy: 'Copy the secret', test: 'Send a test event',
      testSent: 'Test event sent.', saved: 'Webhook saved.', refresh: 'Refresh',
      deliveries: 'Deliveries', delivered: 'Delivered', pending: 'Pending', dead: 'Dead', redeliver: 'Redeliver',
      redelivered: 'Delivery queued again.', rotate: 'Rotate the secret', remove: 'Delete', confirmRemove: 'Yes, delete',
      ping: 'Test',
    },
  }[lang];
  const main = page.getByRole('main');
  const deliveries = main.getByRole('table', { name: w.deliveries });
  return {
    heading: page.getByRole('heading', { level: 1, name: w.heading, exact: true }),
    url: main.getByRole('textbox', { name: w.url, exact: true }),
    event: (label) => main.getByRole('checkbox', { name: label, exact: true }),
    active: main.getByRole('checkbox', { name: w.active }),
    create: main.getByRole('button', { name: w.create, exact: true }),
    save: main.getByRole('button', { name: w.save, exact: true }),
    secretPanel: main.getByRole('region', { name: w.secretHeading }),
    secret: page.locator('#webhook-secret'),
    test: main.getByRole('button', { name: w.test, exact: true }),
    refresh: main.getByRole('button', { name: w.refresh, exact: true }),
    rotate: main.getByRole('button', { name: w.rotate, exact: true }),
    remove: main.getByRole('button', { name: w.remove, exact: true }),
    confirmRemove: main.getByRole('button', { name: w.confirmRemove, exact: true }),
    notice: (text) => page.getByRole('status').filter({ hasText: text }),
    /** The deliveries' rows of an event (its readable name) whose state reads `state`. */
    delivery: (event, state) => deliveries.getByRole('row').filter({ hasText: event }).filter({ hasText: state }),
    words: w,
  };
}

/** Administrators: the deliveries given up (dead jobs), filtered by kind, each retried. */
export function deadJobsPage(page, lang = 'fr') {
  const w = {
    fr: {
      heading: 'Envois en échec', kind: "Type d'envoi", all: 'Tous', mail: 'Notification',
      accountMail: 'Courriel de compte', webhook: 'Webhook', reset: 'Lien de réinitialisation du mot de passe',
      retry: 'Réessayer', retried: 'remis en file', none: 'Aucun envoi en échec.',
    },
    en: {
      heading: 'Failed deliveries', kind: 'Kind of delivery', all: 'Any', mail: 'Notification',
      accountMail: 'Account mail', webhook: 'Webhook', reset: 'Password reset link',
      retry: 'Retry', retried: 'queued again', none: 'No failed deliveries.',
    },
  }[lang];
  const main = page.getByRole('main');
  const table = main.getByRole('table', { name: w.heading });
  return {
    heading: page.getByRole('heading', { level: 1, name: w.heading, exact: true }),
    kind: main.getByRole('combobox', { name: w.kind }),
    table,
    /** The rows that mention every one of `texts`. */
    row: (...texts) => texts.reduce((rows, text) => rows.filter({ hasText: text }), table.getByRole('row')),
    /** The retry button of `row`. */
    retry: (row) => row.getByRole('button', { name: new RegExp(`^${w.retry}`) }),
    retried: page.getByRole('status').filter({ hasText: w.retried }),
    empty: main.getByText(w.none, { exact: true }),
    words: w,
  };
}
