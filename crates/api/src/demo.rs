//! The demo data of SPEC.md, seeded by `guichet serve --demo` into an empty database.
//! Nothing here runs on a production start.
use chrono::{Duration, SubsecRound, Utc};
use guichet_types::{
    priority, CategoryId, Channel, ContractLevel, Level, Locale, Role, TicketEvent, TicketKind,
    TicketStatus, UserRef,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};

use crate::auth::password::Passwords;
use crate::db::WriteGate;
use crate::entities::{
    announcements, assets, categories, companies, company_contacts, contract_categories, contracts,
    support_accesses, tickets, users,
};
use crate::error::ApiResult;
use crate::tickets::{number, search, timeline::record_event};

pub const DEMO_PASSWORD: &str = "Demo-Guichet-2026!";

/// A demo account; `company` indexes the demo companies (Acme, Boréal).
struct DemoAccount {
    email: &'static str,
    role: Role,
    company: Option<usize>,
    first_name: &'static str,
    last_name: &'static str,
    locale: Locale,
    must_change_password: bool,
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "claire@acme.test",
        role: Role::Customer,
        company: Some(0),
        first_name: "Claire",
        last_name: "Martin",
        locale: Locale::Fr,
        must_change_password: false,
    },
    DemoAccount {
        email: "remi@acme.test",
        role: Role::Referent,
        company: Some(0),
        first_name: "Rémi",
        last_name: "Durand",
        locale: Locale::Fr,
        must_change_password: false,
    },
    DemoAccount {
        email: "paul@boreal.test",
        role: Role::Customer,
        company: Some(1),
        first_name: "Paul",
        last_name: "Tremblay",
        locale: Locale::En,
        must_change_password: false,
    },
    DemoAccount {
        email: "agent@guichet.test",
        role: Role::Agent,
        company: None,
        first_name: "Agnès",
        last_name: "Support",
        locale: Locale::Fr,
        must_change_password: false,
    },
    DemoAccount {
        email: "admin@guichet.test",
        role: Role::Admin,
        company: None,
        first_name: "Adam",
        last_name: "Admin",
        locale: Locale::Fr,
        must_change_password: false,
    },
    DemoAccount {
        email: "nouveau@acme.test",
        role: Role::Customer,
        company: Some(0),
        first_name: "Nina",
        last_name: "Nouveau",
        locale: Locale::Fr,
        must_change_password: true,
    },
];

/// (French name, English name, kind, children)
type CategorySeed = (
    &'static str,
    &'static str,
    Option<TicketKind>,
    &'static [(
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    )],
);
const CATEGORIES: &[CategorySeed] = &[
    (
        "Incident",
        "Incident",
        Some(TicketKind::Incident),
        &[
            ("Coupure totale", "Total outage", &[]),
            ("Lenteur", "Slowness", &[]),
            ("Perte de paquets", "Packet loss", &[]),
            ("Débit", "Bandwidth", &[]),
        ],
    ),
    (
        "Demande",
        "Request",
        Some(TicketKind::Request),
        &[
            ("Technique", "Technical", &[]),
            (
                "Administrative",
                "Administrative",
                &[
                    ("Facturation", "Billing"),
                    ("Information", "Information"),
                    ("Modification", "Change"),
                ],
            ),
        ],
    ),
];

/// Whether the database has client companies: the system companies of the migrations (the
/// lost-account intake) do not count.
async fn has_clients(db: &impl ConnectionTrait) -> ApiResult<bool> {
    let clients = companies::Entity::find()
        .filter(companies::Column::SystemKey.is_null())
        .count(db)
        .await?;
    Ok(clients > 0)
}

/// Seeds the demo data unless the database already has client companies. Returns whether
/// it did.
pub async fn seed(
    db: &DatabaseConnection,
    writes: &WriteGate,
    passwords: &Passwords,
    time_zone: chrono_tz::Tz,
) -> ApiResult<bool> {
    if has_clients(db).await? {
        return Ok(false);
    }
    let now = Utc::now().trunc_subsecs(6);
    let mut hashes = Vec::new();
    for _ in ACCOUNTS {
        hashes.push(passwords.hash(DEMO_PASSWORD).await?);
    }
    let (txn, turn) = writes.begin(db).await?;
    // Instances starting together on PostgreSQL: the first one seeds, the others find it done.
    if db.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7301)")
            .await?;
    }
    if has_clients(&txn).await? {
        return Ok(false);
    }

    let mut company_ids = Vec::new();
    for (name, code, phone) in [
        ("Acme Industrie", "1234", "03 89 00 00 00"),
        ("Boréal Transports", "5678", ""),
    ] {
        let company = companies::ActiveModel {
            name: Set(name.into()),
            service_code: Set(code.into()),
            phone: Set(phone.into()),
            created_at: Set(now),
            search_text: Set(guichet_types::company_search_text(name, code)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        company_ids.push(company.id);
    }
    company_contacts::ActiveModel {
        company_id: Set(company_ids[0]),
        email: Set("achats@acme.test".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    for (title, body, locale) in [
        (
            "Bienvenue sur le nouveau portail client",
            "Ouvrez vos tickets, suivez-les et répondez-nous ici ou en répondant à nos mails.",
            Locale::Fr,
        ),
        (
            "Welcome to the new customer portal",
            "Open your tickets, follow them and answer us here or by replying to our mails.",
            Locale::En,
        ),
    ] {
        announcements::ActiveModel {
            title: Set(title.into()),
            body: Set(body.into()),
            locale: Set(Some(locale)),
            starts_at: Set(now),
            ends_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }

    let mut user_ids = Vec::new();
    for (account, hash) in ACCOUNTS.iter().zip(hashes) {
        let user = users::ActiveModel {
            company_id: Set(account.company.map(|i| company_ids[i])),
            role: Set(account.role),
            email: Set(account.email.into()),
            password_hash: Set(hash),
            must_change_password: Set(account.must_change_password),
            first_name: Set(account.first_name.into()),
            last_name: Set(account.last_name.into()),
            locale: Set(account.locale),
            show_landing_page: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            search_text: Set(guichet_types::person_search_text(
                account.first_name,
                account.last_name,
                account.email,
                &[],
            )),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        user_ids.push(user.id);
    }

    let mut leaves: Vec<(CategoryId, &str)> = Vec::new();
    let mut roots: Vec<(CategoryId, &str)> = Vec::new();
    for (position, (fr, en, kind, children)) in CATEGORIES.iter().enumerate() {
        let parent = insert_category(&txn, None, fr, en, *kind, position).await?;
        roots.push((parent, fr));
        for (position, (fr, en, grandchildren)) in children.iter().enumerate() {
            let child = insert_category(&txn, Some(parent), fr, en, *kind, position).await?;
            leaves.push((child, fr));
            for (position, (fr, en)) in grandchildren.iter().enumerate() {
                leaves.push((
                    insert_category(&txn, Some(child), fr, en, *kind, position).await?,
                    fr,
                ));
            }
        }
    }
    let category = |name: &str| {
        leaves
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| *id)
            .unwrap_or(leaves[0].0)
    };

    // Acme: gold, with phone support and the agent as account manager, covering everything;
    // Boréal: standard, ending in 20 days, covering incidents and technical requests.
    let agent = user_ids[3];
    companies::Entity::update_many()
        .col_expr(companies::Column::AccountManagerId, Expr::value(agent))
        .filter(companies::Column::Id.eq(company_ids[0]))
        .exec(&txn)
        .await?;
    let today = now.with_timezone(&time_zone).date_naive();
    let incidents = roots
        .iter()
        .filter(|(_, name)| *name == "Incident")
        .map(|(id, _)| *id);
    let technical = leaves
        .iter()
        .filter(|(_, name)| *name == "Technique")
        .map(|(id, _)| *id);
    let contracts = [
        (
            0,
            "Infogérance Or",
            ContractLevel::Gold,
            180,
            None,
            true,
            Vec::new(),
        ),
        (
            1,
            "Assistance réseau",
            ContractLevel::Standard,
            345,
            Some(20),
            false,
            incidents.chain(technical).collect(),
        ),
    ];
    for (company, name, level, days_ago, ends_in, phone_support, covered) in contracts {
        let contract = contracts::ActiveModel {
            company_id: Set(company_ids[company]),
            name: Set(name.into()),
            level: Set(level),
            starts_on: Set(today - Duration::days(days_ago)),
            ends_on: Set(ends_in.map(|days| today + Duration::days(days))),
            phone_support: Set(phone_support),
            ending_notice_sent_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for category in covered {
            contract_categories::ActiveModel {
                contract_id: Set(contract.id),
                category_id: Set(category),
            }
            .insert(&txn)
            .await?;
        }
    }

    let mut asset_ids = Vec::new();
    for (company, name, reference) in [
        (0, "Poste de l'accueil", "PC-ACC-01"),
        (0, "Routeur fibre du siège", "RT-SIEGE-01"),
        (0, "Imprimante du 2e étage", "IMP-E2-03"),
        (1, "Serveur de fichiers", "SRV-FIC-01"),
        (1, "Lien SDSL entrepôt", "SDSL-ENT-02"),
    ] {
        let asset = assets::ActiveModel {
            company_id: Set(company_ids[company]),
            name: Set(name.into()),
            reference: Set(reference.into()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        asset_ids.push(asset.id);
    }
    crate::articles::seed::seed(&txn, now, today, &leaves, company_ids[0], agent).await?;
    txn.commit().await?;
    drop(turn);

    // (requester, kind, category, urgency, title, description, status, days ago, asset,
    // the agent's solution of a resolved or closed ticket)
    let demo_tickets = [
        (0, TicketKind::Incident, "Coupure totale", Level::High, "Plus d'accès à Internet au siège", "Depuis 8 h ce matin, aucun poste du siège n'accède à Internet. Le routeur clignote en orange.", TicketStatus::New, 0, Some(1), None),
        (0, TicketKind::Incident, "Lenteur", Level::Medium, "Lenteurs sur le logiciel de comptabilité", "Chaque écriture prend plusieurs secondes à s'enregistrer depuis lundi.", TicketStatus::InProgress, 2, None, None),
        (0, TicketKind::Request, "Information", Level::Low, "Question sur notre contrat de support", "Pouvez-vous nous rappeler les horaires d'astreinte de notre contrat ?", TicketStatus::Waiting, 4, None, None),
        (0, TicketKind::Incident, "Débit", Level::Medium, "Débit faible sur l'imprimante réseau", "Les impressions du 2e étage mettent plusieurs minutes à sortir.", TicketStatus::Resolved, 6, Some(2), Some("Le pilote de l'imprimante réseau du 2e étage était configuré en mode d'impression « haute qualité » par défaut, ce qui multipliait la taille des fichiers envoyés. Nous l'avons repassé en mode standard sur le serveur d'impression et mis à jour le pilote (version 5.2). Une page de test sort désormais en moins de dix secondes. Pouvez-vous confirmer de votre côté ?")),
        (0, TicketKind::Request, "Facturation", Level::VeryLow, "Copie de la facture d'octobre", "Merci de nous renvoyer la facture d'octobre, nous ne la retrouvons pas.", TicketStatus::Closed, 12, None, Some("Vous trouverez la copie de la facture d'octobre dans votre espace client, rubrique « Factures ». Nous vous l'avons aussi renvoyée par mail à l'adresse de la comptabilité.")),
        (1, TicketKind::Request, "Modification", Level::Medium, "Ajout d'un utilisateur au portail", "Merci de créer un accès pour notre nouvelle assistante, Julie.", TicketStatus::InProgress, 1, None, None),
        (2, TicketKind::Incident, "Perte de paquets", Level::VeryHigh, "Packet loss on the warehouse link", "The SDSL link of the warehouse drops about 20% of packets since yesterday evening.", TicketStatus::New, 0, Some(4), None),
        (2, TicketKind::Request, "Technique", Level::Low, "Backup schedule of the file server", "Could you move the nightly backup of the file server to 2 am?", TicketStatus::Closed, 9, Some(3), Some("The nightly backup of the file server now starts at 2 am; tonight's run will be the first at the new time.")),
    ];
    for (
        requester,
        kind,
        category_name,
        urgency,
        title,
        description,
        status,
        days_ago,
        asset,
        solution,
    ) in demo_tickets
    {
        let created = now - Duration::days(days_ago) - Duration::minutes(30);
        let requester_account = &ACCOUNTS[requester];
        let company = company_ids[requester_account.company.unwrap_or(0)];
        let impact = Level::Medium;
        let worked = status != TicketStatus::New;
        let (txn, _turn) = writes.begin(db).await?;
        let number = number::allocate(&txn, time_zone, created).await?;
        let ticket = tickets::ActiveModel {
            number: Set(number.to_string()),
            kind: Set(kind),
            status: Set(status),
            urgency: Set(urgency),
            impact: Set(impact),
            priority: Set(i16::from(priority(urgency, impact))),
            title: Set(title.into()),
            description: Set(description.into()),
            search_text: Set(search::search_text(title, description)),
            category_id: Set(category(category_name)),
            asset_id: Set(asset.map(|i| asset_ids[i])),
            requester_id: Set(user_ids[requester]),
            company_id: Set(company),
            assignee_id: Set(worked.then_some(agent)),
            notify: Set(true),
            notify_email: Set(requester_account.email.into()),
            created_at: Set(created),
            updated_at: Set(created + Duration::minutes(20)),
            resolved_at: Set(
                matches!(status, TicketStatus::Resolved | TicketStatus::Closed)
                    .then_some(created + Duration::minutes(15)),
            ),
            closed_at: Set(
                (status == TicketStatus::Closed).then_some(created + Duration::minutes(20))
            ),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        record_event(
            &txn,
            ticket.id,
            created,
            Some(user_ids[requester]),
            &TicketEvent::Created {
                status: TicketStatus::New,
                on_behalf_of: None,
                by_mail: None,
                channel: Some(Channel::Portal),
            },
        )
        .await?;
        if worked {
            record_event(
                &txn,
                ticket.id,
                created + Duration::minutes(10),
                Some(agent),
                &TicketEvent::Assigned {
                    assignee: Some(UserRef {
                        id: agent,
                        name: "Agnès Support".into(),
                    }),
                },
            )
            .await?;
            record_event(
                &txn,
                ticket.id,
                created + Duration::minutes(10),
                Some(agent),
                &TicketEvent::StatusChanged {
                    from: TicketStatus::New,
                    to: TicketStatus::InProgress,
                },
            )
            .await?;
        }
        if status == TicketStatus::Waiting {
            record_event(
                &txn,
                ticket.id,
                created + Duration::minutes(12),
                Some(agent),
                &TicketEvent::StatusChanged {
                    from: TicketStatus::InProgress,
                    to: TicketStatus::Waiting,
                },
            )
            .await?;
        }
        // Claire's waiting ticket: the agent asked for access to her account (seed 003), so
        // her "Activer l'assistance" panel has a request to answer (it lapses after 48 h).
        if status == TicketStatus::Waiting && requester == 0 {
            support_accesses::ActiveModel {
                ticket_id: Set(ticket.id),
                customer_id: Set(user_ids[requester]),
                agent_id: Set(agent),
                requested_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        // A resolved ticket shows the solution it waits on; a closed one, how it was closed.
        if let Some(body) = solution {
            record_event(
                &txn,
                ticket.id,
                created + Duration::minutes(15),
                Some(agent),
                &TicketEvent::SolutionProposed {
                    body: body.into(),
                    from: TicketStatus::InProgress,
                    to: TicketStatus::Resolved,
                },
            )
            .await?;
        }
        if status == TicketStatus::Closed {
            record_event(
                &txn,
                ticket.id,
                created + Duration::minutes(20),
                Some(user_ids[requester]),
                &TicketEvent::SolutionApproved {
                    comment: None,
                    from: TicketStatus::Resolved,
                    to: TicketStatus::Closed,
                },
            )
            .await?;
        }
        txn.commit().await?;
    }
    Ok(true)
}

async fn insert_category(
    db: &impl ConnectionTrait,
    parent: Option<CategoryId>,
    fr: &str,
    en: &str,
    kind: Option<TicketKind>,
    position: usize,
) -> ApiResult<CategoryId> {
    let row = categories::ActiveModel {
        parent_id: Set(parent),
        kind: Set(kind),
        name_fr: Set(fr.into()),
        name_en: Set(en.into()),
        position: Set(position as i32),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}
