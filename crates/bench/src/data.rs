//! The generated data set: its shape (how many of what, who is who) and realistic French
//! and English ticket texts. Everything comes from a seeded RNG, so a size always gives the
//! same data (times are relative to the load).
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

pub const SEED: u64 = 0x0067_7569_6368_6574;
/// Every generated account has this password (one argon2id hash, computed once).
pub const PASSWORD: &str = "Bench-Guichet-2026!";
pub const AGENTS: usize = 50;
/// Customers `0..POWER_USERS` request a large share of the tickets: the customer-list
/// scenario signs them in, so that their first page of open tickets is full.
pub const POWER_USERS: usize = 100;
const POWER_SHARE: f64 = 0.15;
/// Tickets are spread over this many days before the load.
pub const DAYS: i64 = 730;

/// How many of what.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub tickets: usize,
    pub companies: usize,
    pub users: usize,
}

impl Shape {
    /// The data set scaled to `tickets`: 10 tickets per user and 100 per company
    /// at 1,000,000 tickets; smaller sets keep at least 2 users per company.
    pub fn for_tickets(tickets: usize) -> Self {
        let users = (tickets / 10).clamp(2_000, 100_000);
        let companies = (tickets / 100).clamp(200, 10_000).min(users / 2);
        Self {
            tickets,
            companies,
            users,
        }
    }

    /// Users of companies (customers and referents); agents come after them.
    pub fn customers(&self) -> usize {
        self.users - AGENTS
    }

    pub fn company_of(&self, user: usize) -> usize {
        user % self.companies
    }

    /// The second user of each company is its referent.
    pub fn is_referent(&self, user: usize) -> bool {
        user / self.companies == 1
    }

    /// The requester of a new generated ticket.
    pub fn pick_requester(&self, rng: &mut StdRng) -> usize {
        if rng.gen_bool(POWER_SHARE) {
            rng.gen_range(0..POWER_USERS)
        } else {
            rng.gen_range(0..self.customers())
        }
    }

    pub fn email(user: usize) -> String {
        format!("user{user}@bench.test")
    }

    pub fn agent_email(agent: usize) -> String {
        format!("agent{agent}@guichet.test")
    }
}

/// The first and last name of user number `user`.
pub fn names(user: usize) -> (&'static str, &'static str) {
    (
        FIRST_NAMES[user % FIRST_NAMES.len()],
        LAST_NAMES[(user / 7) % LAST_NAMES.len()],
    )
}

pub const FIRST_NAMES: &[&str] = &[
    "Claire",
    "Rémi",
    "Paul",
    "Agnès",
    "Julie",
    "Étienne",
    "Chloé",
    "Hélène",
    "Noémie",
    "Loïc",
    "Françoise",
    "Jérôme",
    "Amélie",
    "Benoît",
    "Léa",
    "Thomas",
    "Sarah",
    "James",
    "Emily",
    "Oliver",
    "Grace",
    "Daniel",
    "Sophie",
    "Lucas",
    "Inès",
    "Mathis",
    "Zoé",
    "Gaëlle",
];
pub const LAST_NAMES: &[&str] = &[
    "Martin",
    "Durand",
    "Tremblay",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Bérubé",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Lemaître",
    "Fournier",
    "Smith",
    "Brown",
    "Taylor",
    "Wilson",
    "Müller",
    "Dubois",
    "Lambert",
    "Bonnet",
    "François",
    "Mercier",
    "Chevalier",
];
const COMPANY_WORDS: &[&str] = &[
    "Acme", "Boréal", "Atlas", "Horizon", "Cèdre", "Azur", "Nordique", "Vertige", "Hélios",
    "Orion", "Pôle", "Granit", "Littoral", "Sequoia", "Polaris", "Mistral",
];
const COMPANY_KINDS: &[&str] = &[
    "Industrie",
    "Transports",
    "Logistique",
    "Santé",
    "Conseil",
    "Énergie",
    "Bâtiment",
    "Distribution",
    "Assurances",
    "Systems",
    "Foods",
    "Consulting",
];

pub fn company_name(company: usize) -> String {
    format!(
        "{} {} {}",
        COMPANY_WORDS[company % COMPANY_WORDS.len()],
        COMPANY_KINDS[(company / COMPANY_WORDS.len()) % COMPANY_KINDS.len()],
        company
    )
}

/// What a ticket is about, in French and in English.
const SUBJECTS: &[(&str, &str)] = &[
    ("L'imprimante du 2e étage", "The second-floor printer"),
    ("Mon ordinateur portable", "My laptop"),
    ("La messagerie Outlook", "Outlook mail"),
    ("Le VPN", "The VPN"),
    ("Le Wi-Fi de la salle de réunion", "The meeting room Wi-Fi"),
    ("Le serveur de fichiers", "The file server"),
    ("Le logiciel de comptabilité", "The accounting software"),
    (
        "Le téléphone IP de l'accueil",
        "The reception desk IP phone",
    ),
    ("L'écran secondaire", "The second screen"),
    (
        "L'accès au portail fournisseurs",
        "Access to the supplier portal",
    ),
    ("La sauvegarde nocturne", "The nightly backup"),
    ("Le routeur fibre du siège", "The head office fibre router"),
    ("La licence Microsoft 365", "The Microsoft 365 licence"),
    ("Le lien SDSL de l'entrepôt", "The warehouse SDSL link"),
    ("Le scanner de documents", "The document scanner"),
    ("La base de données clients", "The customer database"),
    ("L'application de paie", "The payroll application"),
    ("Le poste de caisse", "The point-of-sale terminal"),
];
const PROBLEMS: &[(&str, &str)] = &[
    ("ne démarre plus", "no longer starts"),
    (
        "est très lent depuis ce matin",
        "has been very slow since this morning",
    ),
    ("affiche un message d'erreur", "shows an error message"),
    ("ne répond plus", "stopped responding"),
    ("se déconnecte sans arrêt", "keeps disconnecting"),
    ("refuse mon mot de passe", "rejects my password"),
    ("n'imprime plus en couleur", "no longer prints in colour"),
    ("a échoué cette nuit", "failed last night"),
    ("est inaccessible à distance", "cannot be reached remotely"),
    ("perd des paquets", "drops packets"),
    ("redémarre tout seul", "restarts by itself"),
    ("bloque à la mise à jour", "hangs during the update"),
];
const REQUESTS: &[(&str, &str)] = &[
    (
        "Création d'un compte pour une nouvelle collaboratrice",
        "New account for a new colleague",
    ),
    (
        "Demande de copie de la facture de",
        "Copy of the invoice of",
    ),
    (
        "Installation d'un logiciel de dessin sur le poste",
        "Install a drawing program on workstation",
    ),
    (
        "Ajout d'une adresse dans la liste de diffusion",
        "Add an address to the mailing list",
    ),
    (
        "Changement d'horaires d'astreinte pour",
        "Change of on-call hours for",
    ),
    (
        "Question sur notre contrat de maintenance",
        "Question about our maintenance contract",
    ),
    ("Déménagement du bureau", "Office move for"),
    (
        "Commande de deux écrans supplémentaires",
        "Order two extra screens",
    ),
];
const MONTHS: &[(&str, &str)] = &[
    ("janvier", "January"),
    ("février", "February"),
    ("mars", "March"),
    ("avril", "April"),
    ("mai", "May"),
    ("juin", "June"),
    ("juillet", "July"),
    ("août", "August"),
    ("septembre", "September"),
    ("octobre", "October"),
    ("novembre", "November"),
    ("décembre", "December"),
];
const DETAILS: &[(&str, &str)] = &[
    (
        "Le problème touche tout le service depuis lundi.",
        "The whole department has had the problem since Monday.",
    ),
    (
        "Nous avons déjà redémarré le matériel, sans succès.",
        "We already restarted the equipment, without success.",
    ),
    (
        "C'est bloquant pour la clôture mensuelle.",
        "It blocks the monthly closing.",
    ),
    (
        "Le voyant clignote en orange et le journal indique un délai dépassé.",
        "The light blinks orange and the log shows a timeout.",
    ),
    (
        "Merci de nous rappeler au poste indiqué dans notre profil.",
        "Please call us back on the extension of our profile.",
    ),
    (
        "Plusieurs collègues en télétravail sont concernés.",
        "Several colleagues working from home are affected.",
    ),
    (
        "Une capture d'écran suivra par mail.",
        "A screenshot will follow by email.",
    ),
    (
        "Le fournisseur nous a conseillé de vous contacter.",
        "The vendor told us to contact you.",
    ),
    (
        "Cela arrive surtout entre 9 h et 11 h.",
        "It happens mostly between 9 and 11 am.",
    ),
    (
        "La dernière mise à jour date de vendredi soir.",
        "The last update was on Friday evening.",
    ),
];
const FOLLOWUPS: &[(&str, &str)] = &[
    (
        "Bonjour, pouvez-vous nous donner une date d'intervention ?",
        "Hello, could you give us a date for the visit?",
    ),
    (
        "Nous avons appliqué le correctif, merci de confirmer que tout fonctionne.",
        "We applied the fix, please confirm everything works.",
    ),
    (
        "Le problème est revenu ce matin après le redémarrage.",
        "The problem came back this morning after the restart.",
    ),
    (
        "Pouvez-vous nous envoyer le journal d'erreurs complet ?",
        "Could you send us the full error log?",
    ),
    (
        "Merci, c'est réglé de notre côté.",
        "Thanks, it is solved on our side.",
    ),
];

/// Search queries a person would type: words of titles and descriptions, some with
/// capitals and accents, some prefixes.
pub const SEARCHES: &[&str] = &[
    "imprimante",
    "ORDINATEUR DEMARRE",
    "vpn deconnecte",
    "sauvegarde échoué",
    "printer colour",
    "password",
    "Outlook",
    "écran",
    "facture",
    "SDSL paquets",
    "routeur fibre",
    "laptop slow",
    "paie mise à jour",
    "err-4",
    "PC-ACC-01",
];

/// A generated ticket text.
pub struct Text {
    pub english: bool,
    pub title: String,
    pub description: String,
}

fn pick<'a>(rng: &mut StdRng, list: &'a [(&'a str, &'a str)], english: bool) -> &'a str {
    let (fr, en) = list.choose(rng).copied().unwrap_or(("", ""));
    if english {
        en
    } else {
        fr
    }
}

/// A title and a description; about a third of the tickets are in English.
pub fn ticket_text(rng: &mut StdRng, incident: bool) -> Text {
    let english = rng.gen_bool(0.3);
    let title = if incident {
        format!(
            "{} {}",
            pick(rng, SUBJECTS, english),
            pick(rng, PROBLEMS, english)
        )
    } else {
        let request = pick(rng, REQUESTS, english);
        if request.ends_with(" de")
            || request.ends_with(" of")
            || request.ends_with(" pour")
            || request.ends_with(" for")
            || request.ends_with("poste")
            || request.ends_with("workstation")
        {
            format!("{request} {}", pick(rng, MONTHS, english))
        } else {
            request.to_owned()
        }
    };
    let mut description = String::with_capacity(400);
    description.push_str(if english {
        "Hello,\n\n"
    } else {
        "Bonjour,\n\n"
    });
    description.push_str(&title);
    description.push_str(". ");
    for _ in 0..rng.gen_range(2..5) {
        description.push_str(pick(rng, DETAILS, english));
        description.push(' ');
    }
    // Asset references and error codes: the rare words people search for.
    let asset = rng.gen_range(1..400);
    let code = rng.gen_range(100..1000);
    if english {
        description.push_str(&format!(
            "\nAsset PC-ACC-{asset:02}, error ERR-{code}.\n\nThanks,"
        ));
    } else {
        description.push_str(&format!(
            "\nMatériel PC-ACC-{asset:02}, erreur ERR-{code}.\n\nMerci d'avance,"
        ));
    }
    Text {
        english,
        title,
        description,
    }
}

pub fn followup_text(rng: &mut StdRng, english: bool) -> &'static str {
    pick(rng, FOLLOWUPS, english)
}
