//! The demo knowledge base and provider pages, seeded with the rest of the demo data
//! (`guichet serve --demo`): French and English articles, some linked as translations, public, for
//! every customer, for Acme only, and one draft.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use guichet_types::{ArticleId, ArticleVisibility, CategoryId, CompanyId, Locale, UserId};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::render::render;
use crate::entities::{article_companies, article_revisions, articles, provider_pages};
use crate::error::ApiResult;
use crate::tickets::search;

/// One demo article: slug, title, language, the index of the article it translates, the
/// category's French name, visibility, for Acme only, published, days since written, body.
type ArticleSeed = (
    &'static str,
    &'static str,
    Locale,
    Option<usize>,
    Option<&'static str>,
    ArticleVisibility,
    bool,
    bool,
    i64,
    &'static str,
);

const ARTICLES: &[ArticleSeed] = &[
    (
        "redemarrer-la-box-fibre",
        "Redémarrer la box fibre",
        Locale::Fr,
        None,
        Some("Coupure totale"),
        ArticleVisibility::Public,
        false,
        true,
        40,
        "Avant d'ouvrir un ticket pour une **coupure totale**, redémarrez la box :\n\n\
         1. Débranchez l'alimentation de la box.\n\
         2. Attendez **30 secondes**.\n\
         3. Rebranchez-la et patientez 5 minutes, le temps que le voyant *Fibre* soit fixe.\n\n\
         Si le voyant reste rouge, ouvrez un ticket dans **Incident > Coupure totale** en \
         précisant la couleur des voyants.",
    ),
    (
        "restart-the-fibre-router",
        "Restarting the fibre router",
        Locale::En,
        Some(0),
        Some("Coupure totale"),
        ArticleVisibility::Public,
        false,
        true,
        38,
        "Before opening a ticket for a **total outage**, restart the router:\n\n\
         1. Unplug the router's power supply.\n\
         2. Wait **30 seconds**.\n\
         3. Plug it back in and wait 5 minutes, until the *Fibre* light is steady.\n\n\
         If the light stays red, open a ticket under **Incident > Total outage** and tell us \
         the colour of the lights.",
    ),
    (
        "connexion-lente-que-verifier",
        "Connexion lente : que vérifier ?",
        Locale::Fr,
        None,
        Some("Lenteur"),
        ArticleVisibility::Customers,
        false,
        true,
        30,
        "Une connexion lente vient souvent du poste plutôt que du lien.\n\n\
         - Fermez les sauvegardes et synchronisations en cours.\n\
         - Testez en **filaire** plutôt qu'en Wi-Fi.\n\
         - Comparez avec un autre poste du même site.\n\n\
         Si tous les postes sont lents, ouvrez un ticket **Incident > Lenteur** avec l'heure \
         des constats.",
    ),
    (
        "slow-connection-what-to-check",
        "Slow connection: what to check",
        Locale::En,
        Some(2),
        Some("Lenteur"),
        ArticleVisibility::Customers,
        false,
        true,
        29,
        "A slow connection often comes from the computer rather than the line.\n\n\
         - Stop running backups and synchronisations.\n\
         - Test over a **cable** rather than Wi-Fi.\n\
         - Compare with another computer of the same site.\n\n\
         If every computer is slow, open an **Incident > Slowness** ticket with the times you \
         noticed it.",
    ),
    (
        "bien-decrire-son-ticket",
        "Bien décrire son ticket",
        Locale::Fr,
        None,
        Some("Information"),
        ArticleVisibility::Public,
        false,
        true,
        60,
        "Un ticket bien décrit est résolu plus vite. Indiquez :\n\n\
         - **ce qui ne fonctionne pas** et depuis quand ;\n\
         - le matériel concerné (choisissez-le dans *Mes matériels*) ;\n\
         - le message d'erreur exact, ou une capture d'écran en pièce jointe ;\n\
         - ce que vous avez déjà essayé.\n\n\
         Vous recevez un mail à chaque réponse : répondez-y directement pour compléter le ticket.",
    ),
    (
        "writing-a-good-ticket",
        "Writing a good ticket",
        Locale::En,
        Some(4),
        Some("Information"),
        ArticleVisibility::Public,
        false,
        true,
        58,
        "A well described ticket is solved sooner. Tell us:\n\n\
         - **what does not work** and since when;\n\
         - the equipment concerned (pick it from *My equipment*);\n\
         - the exact error message, or a screenshot as an attachment;\n\
         - what you have already tried.\n\n\
         You get a mail with every answer: reply to it to add to the ticket.",
    ),
    (
        "imprimante-du-2e-etage-bourrage",
        "Imprimante du 2e étage : bourrage papier",
        Locale::Fr,
        None,
        Some("Technique"),
        ArticleVisibility::Companies,
        true,
        true,
        20,
        "Pour l'imprimante **IMP-E2-03** du siège d'Acme :\n\n\
         1. Ouvrez le capot avant, puis le tiroir 2.\n\
         2. Retirez la feuille coincée en tirant **vers vous**, sans forcer.\n\
         3. Refermez et relancez l'impression.\n\n\
         Si le bourrage revient plus de trois fois par jour, ouvrez un ticket : le rouleau \
         d'entraînement est à remplacer.",
    ),
    (
        "comprendre-votre-facture",
        "Comprendre votre facture",
        Locale::Fr,
        None,
        Some("Facturation"),
        ArticleVisibility::Customers,
        false,
        true,
        90,
        "Votre facture mensuelle comprend :\n\n\
         | Ligne | Ce qu'elle couvre |\n|---|---|\n\
         | Abonnement | le contrat d'assistance, payé d'avance |\n\
         | Interventions | les déplacements hors contrat du mois écoulé |\n\
         | Matériel | les équipements fournis |\n\n\
         Une question sur une ligne ? Ouvrez une demande **Administrative > Facturation** en \
         joignant la facture.",
    ),
    (
        "understanding-your-invoice",
        "Understanding your invoice",
        Locale::En,
        Some(7),
        Some("Facturation"),
        ArticleVisibility::Customers,
        false,
        true,
        88,
        "Your monthly invoice holds:\n\n\
         | Line | What it covers |\n|---|---|\n\
         | Subscription | the support contract, paid in advance |\n\
         | Interventions | the visits outside the contract in the past month |\n\
         | Equipment | the equipment supplied |\n\n\
         A question about a line? Open an **Administrative > Billing** request with the invoice \
         attached.",
    ),
    (
        "perte-de-paquets-faire-un-diagnostic",
        "Perte de paquets : faire un diagnostic",
        Locale::Fr,
        None,
        Some("Perte de paquets"),
        ArticleVisibility::Customers,
        false,
        true,
        15,
        "Pour mesurer une perte de paquets depuis un poste Windows, ouvrez une invite de \
         commandes et lancez :\n\n```\nping -n 100 8.8.8.8\n```\n\n\
         La ligne *Perdus* donne le pourcentage. Au-delà de **2 %**, joignez le résultat à un \
         ticket **Incident > Perte de paquets**.",
    ),
    (
        "measuring-your-bandwidth",
        "Measuring your bandwidth",
        Locale::En,
        None,
        Some("Débit"),
        ArticleVisibility::Public,
        false,
        true,
        12,
        "To check the bandwidth you get, run a speed test from a computer **plugged in by \
         cable**, with no download running, three times at different hours.\n\n\
         Compare the results with the bandwidth of your contract. Below 70 % of it, open an \
         **Incident > Bandwidth** ticket with the three results.",
    ),
    (
        "migration-de-la-messagerie-2027",
        "Migration de la messagerie en 2027",
        Locale::Fr,
        None,
        Some("Information"),
        ArticleVisibility::Customers,
        false,
        false,
        2,
        "*Brouillon.* La messagerie sera migrée au premier trimestre 2027. Le calendrier par \
         site sera publié ici.",
    ),
    (
        "mot-de-passe-oublie",
        "Mot de passe oublié",
        Locale::Fr,
        None,
        Some("Information"),
        ArticleVisibility::Public,
        false,
        true,
        75,
        "Sur la page de connexion, cliquez sur **Mot de passe oublié** et saisissez votre \
         adresse. Vous recevez un lien valable une heure pour en choisir un nouveau : au \
         moins 12 caractères, avec majuscule, minuscule, chiffre et caractère spécial.",
    ),
];

const PROVIDER_FR: &str = "## Nous joindre\n\n\
- Portail : ouvrez un ticket à toute heure.\n\
- Mail : support@guichet.test (une réponse crée ou complète un ticket).\n\n\
## Horaires\n\n\
Du lundi au vendredi, de **8 h à 18 h**, hors jours fériés.\n\n\
## Téléphone selon votre contrat\n\n\
| Contrat | Ligne |\n|---|---|\n\
| Standard | pas d'assistance téléphonique |\n\
| Argent | 03 89 00 00 10 |\n\
| Or et Platine | votre chargé de compte, ligne directe ci-dessous |\n\n\
## Jours fériés\n\n\
Le support est fermé le 25 décembre, le 1er janvier, le lundi de Pâques, le 1er mai, \
le 14 juillet et le 15 août.\n\n\
## Modalités\n\n\
Les incidents sont pris en charge par ordre de priorité ; une solution proposée sans \
réponse de votre part est close au bout de 7 jours.";

const PROVIDER_EN: &str = "## Reaching us\n\n\
- Portal: open a ticket at any time.\n\
- Mail: support@guichet.test (a reply opens or adds to a ticket).\n\n\
## Hours\n\n\
Monday to Friday, **8 am to 6 pm**, except public holidays.\n\n\
## Phone by contract level\n\n\
| Contract | Line |\n|---|---|\n\
| Standard | no phone support |\n\
| Silver | +33 3 89 00 00 10 |\n\
| Gold and Platinum | your account manager, direct line below |\n\n\
## Public holidays\n\n\
Support is closed on 25 December, 1 January, Easter Monday, 1 May, 14 July and 15 August.\n\n\
## How we work\n\n\
Incidents are handled by priority; a proposed solution left without an answer is closed \
after 7 days.";

/// Seeds the demo articles (by `author`, in the categories of `categories` by French name,
/// the Acme-only one for `acme`) and the provider pages.
pub async fn seed(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    today: NaiveDate,
    categories: &[(CategoryId, &str)],
    acme: CompanyId,
    author: UserId,
) -> ApiResult<()> {
    let category = |name: &str| {
        categories
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| *id)
    };
    let mut ids: Vec<ArticleId> = Vec::new();
    for (
        slug,
        title,
        locale,
        original,
        category_name,
        visibility,
        acme_only,
        published,
        days,
        body,
    ) in ARTICLES
    {
        let written = now - Duration::days(*days);
        let rendered = render(body);
        let row = articles::ActiveModel {
            slug: Set((*slug).to_owned()),
            title: Set((*title).to_owned()),
            body_markdown: Set((*body).to_owned()),
            search_text: Set(search::search_text(title, &rendered.text)),
            excerpt: Set(rendered.excerpt()),
            body_html: Set(rendered.html),
            locale: Set(*locale),
            translation_of: Set(original.and_then(|i| ids.get(i).copied())),
            category_id: Set(category_name.and_then(category)),
            visibility: Set(*visibility),
            published: Set(*published),
            reviewed_on: Set(today - Duration::days(*days)),
            views: Set(0),
            helpful_count: Set(0),
            unhelpful_count: Set(0),
            avoided_tickets: Set(0),
            created_by: Set(Some(author)),
            created_at: Set(written),
            updated_at: Set(written),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if *acme_only {
            article_companies::ActiveModel {
                article_id: Set(row.id),
                company_id: Set(acme),
            }
            .insert(txn)
            .await?;
        }
        article_revisions::ActiveModel {
            article_id: Set(row.id),
            number: Set(1),
            title: Set(row.title.clone()),
            body_markdown: Set(row.body_markdown.clone()),
            author_id: Set(Some(author)),
            created_at: Set(written),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.push(row.id);
    }
    for (locale, body) in [(Locale::Fr, PROVIDER_FR), (Locale::En, PROVIDER_EN)] {
        provider_pages::ActiveModel {
            locale: Set(locale),
            body_markdown: Set(body.to_owned()),
            body_html: Set(render(body).html),
            updated_by: Set(Some(author)),
            updated_at: Set(Some(now)),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
