//! The lost-account form (seed 001: "Au secours, j'ai perdu mon compte support !!!"):
//! someone who lost their sign-in address and everything that would recover it leaves
//! their details, and the support team gets a ticket to contact them.
//!
//! Nobody is signed in, so the ticket's requester is the person who wrote, found by the
//! address they gave: their account if it has one, else a new customer account without a
//! password in the intake company ("Demandes sans compte"), written with the ticket, which
//! can later set a password through "mot de passe oublié". Either way they get the
//! acknowledgement, and agents answer them from the portal. Migration 000006 writes the
//! intake company and category into every database and 000013 keys them
//! [`LOST_ACCOUNT_INTAKE`]; they are found here by that key, whatever they are named.
use chrono::Utc;
use guichet_migrations::LOST_ACCOUNT_INTAKE;
use guichet_types::{
    AccountRecoveryRequest, CategoryId, Channel, CompanyId, Level, Locale, Role, TicketKind,
    TITLE_MAX_CHARS,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::open::{open, FromMail, Opening, Requester};
use crate::audit::Actor;
use crate::auth::recovery::split_name;
use crate::auth::throttle;
use crate::entities::{categories, companies, users};
use crate::error::{ApiError, ApiResult};
use crate::people::accounts::{unusable_password, Creation, NewAccount};
use crate::state::AppState;

/// Opens the support team's ticket for `request`, sent from the client address `ip` by a
/// browser reading `locale`; 429 past [`throttle::ACCOUNT_RECOVERY`] requests from that
/// address.
pub async fn request(
    state: &AppState,
    request: AccountRecoveryRequest,
    ip: &str,
    locale: Locale,
) -> ApiResult<()> {
    let key = format!("account-recovery:ip:{ip}");
    throttle::take(state, &[key], throttle::ACCOUNT_RECOVERY, Utc::now()).await?;
    let (intake_company, category_id) = intake(&state.db).await?;
    let request = trimmed(request);
    // Twice at most: a first account for this address may be written meanwhile.
    for _ in 0..2 {
        let (requester, company_id) =
            requester(state, &request, ip, locale, intake_company).await?;
        let new_account = matches!(requester, Requester::New(_));
        let opening = Opening {
            kind: TicketKind::Request,
            category_id,
            urgency: Level::Medium,
            title: title(&request),
            description: description(&request),
            asset_id: None,
            requester,
            company_id,
            notify: true,
            notify_email: request.email.to_string(),
            channel: Channel::Portal,
        };
        match open(state, opening, None, FromMail::default()).await {
            Err(ApiError::Taken(_)) if new_account => continue,
            opened => return opened.map(|_| ()),
        }
    }
    Err(ApiError::internal("the writer's account kept changing"))
}

/// The writer's account and its company (the intake company for an account without one),
/// or a new account in the intake company.
async fn requester(
    state: &AppState,
    request: &AccountRecoveryRequest,
    ip: &str,
    locale: Locale,
    intake_company: CompanyId,
) -> ApiResult<(Requester, CompanyId)> {
    let account = users::Entity::find()
        .filter(users::Column::Email.eq(request.email.as_str()))
        .one(&state.db)
        .await?;
    if let Some(account) = account {
        let company = account.company_id.unwrap_or(intake_company);
        return Ok((Requester::Existing(account.id), company));
    }
    let (first_name, last_name) = split_name(&request.full_name);
    let account = NewAccount {
        office_phone: request.phone.clone().unwrap_or_default(),
        ..NewAccount::new(
            Some(intake_company),
            Role::Customer,
            request.email.as_str(),
            &first_name,
            &last_name,
            locale,
        )
    };
    let creation = Creation {
        account,
        unusable_password: unusable_password(&state.passwords).await?,
        invite: false,
        actor: Actor::anonymous(ip),
    };
    Ok((Requester::New(Box::new(creation)), intake_company))
}

/// The intake company and the id of the intake category, by their key.
async fn intake(db: &impl ConnectionTrait) -> ApiResult<(CompanyId, CategoryId)> {
    let company = companies::Entity::find()
        .filter(companies::Column::SystemKey.eq(LOST_ACCOUNT_INTAKE))
        .one(db)
        .await?;
    let category = categories::Entity::find()
        .filter(categories::Column::SystemKey.eq(LOST_ACCOUNT_INTAKE))
        .one(db)
        .await?;
    match (company, category) {
        (Some(company), Some(category)) => Ok((company.id, category.id)),
        _ => Err(ApiError::internal(
            "the lost-account intake rows (migrations 000006 and 000013) are missing",
        )),
    }
}

fn trimmed(request: AccountRecoveryRequest) -> AccountRecoveryRequest {
    AccountRecoveryRequest {
        full_name: request.full_name.trim().to_owned(),
        company_name: request.company_name.trim().to_owned(),
        email: request.email,
        phone: request
            .phone
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
        message: request.message.trim().to_owned(),
    }
}

/// "Compte support perdu : Agnès Martin (Acme Industrie)", cut to the longest title.
fn title(request: &AccountRecoveryRequest) -> String {
    let title = format!(
        "Compte support perdu : {} ({})",
        request.full_name, request.company_name
    );
    let max = TITLE_MAX_CHARS as usize;
    if title.chars().count() <= max {
        return title;
    }
    let mut cut: String = title.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Every submitted field, as plain text for the support team.
fn description(request: &AccountRecoveryRequest) -> String {
    format!(
        "Demande envoyée sans connexion par le formulaire « compte perdu ». \
         Recontactez la personne pour rétablir son accès.\n\n\
         Nom : {}\nSociété : {}\nAdresse e-mail : {}\nTéléphone : {}\n\nMessage :\n{}",
        request.full_name,
        request.company_name,
        request.email,
        request.phone.as_deref().unwrap_or("non indiqué"),
        request.message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(full_name: &str, company_name: &str) -> AccountRecoveryRequest {
        AccountRecoveryRequest {
            full_name: full_name.to_owned(),
            company_name: company_name.to_owned(),
            email: "Agnes@Example.com".parse().expect("an address"),
            phone: Some("   ".to_owned()),
            message: "\n Plus d'accès.\nMerci. ".to_owned(),
        }
    }

    #[test]
    fn the_description_lists_every_field() {
        let request = trimmed(request(" Agnès Martin ", "Acme Industrie"));
        assert_eq!(
            title(&request),
            "Compte support perdu : Agnès Martin (Acme Industrie)"
        );
        let text = description(&request);
        for line in [
            "Nom : Agnès Martin\n",
            "Société : Acme Industrie\n",
            "Adresse e-mail : agnes@example.com\n",
            "Téléphone : non indiqué\n",
            "Message :\nPlus d'accès.\nMerci.",
        ] {
            assert!(text.contains(line), "{line:?} in {text}");
        }
    }

    #[test]
    fn long_titles_are_cut() {
        let title = title(&request(&"é".repeat(200), &"c".repeat(200)));
        assert_eq!(title.chars().count(), TITLE_MAX_CHARS as usize);
        assert!(title.ends_with('…'));
    }
}
