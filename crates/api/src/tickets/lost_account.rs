//! The lost-account form (seed 001: "Au secours, j'ai perdu mon compte support !!!"):
//! someone who lost their sign-in address and everything that would recover it leaves
//! their details, and the support team gets a ticket to contact them.
//!
//! A ticket needs a requester, a company and a category, and nobody is signed in. Migration
//! 000006 writes them into every database and 000013 keys them [`LOST_ACCOUNT_INTAKE`]; they
//! are found here by that key, whatever they are named: the system account as requester
//! (its company, "Demandes sans compte", is the ticket's) and the intake category. The
//! account is locked and told nothing: `notify` is off, and its `.invalid` address receives
//! no mail anyway. Only the support team sees these tickets, as customers see their own and
//! their company's.
use chrono::Utc;
use guichet_migrations::LOST_ACCOUNT_INTAKE;
use guichet_types::{
    AccountRecoveryRequest, CategoryId, Level, TicketEvent, TicketKind, TicketStatus,
    TITLE_MAX_CHARS,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::open::{open, FromMail, Opening};
use crate::auth::throttle;
use crate::entities::{categories, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::ticket_mail::Author;
use crate::state::AppState;

/// Opens the support team's ticket for `request`, sent from the client address `ip`;
/// 429 past [`throttle::ACCOUNT_RECOVERY`] requests from that address.
pub async fn request(state: &AppState, request: AccountRecoveryRequest, ip: &str) -> ApiResult<()> {
    let key = format!("account-recovery:ip:{ip}");
    throttle::take(state, &[key], throttle::ACCOUNT_RECOVERY, Utc::now()).await?;
    let (account, category_id) = intake(&state.db).await?;
    let company_id = account
        .company_id
        .ok_or_else(|| ApiError::internal("the intake account has no company"))?;
    let request = trimmed(request);
    let opening = Opening {
        kind: TicketKind::Request,
        category_id,
        urgency: Level::Medium,
        title: title(&request),
        description: description(&request),
        asset_id: None,
        requester_id: account.id,
        company_id,
        notify: false,
        notify_email: account.email.clone(),
    };
    // The support team's mail says who wrote; the timeline names the system account.
    let author = Author {
        id: account.id,
        name: &request.full_name,
        email: &account.email,
        is_staff: false,
    };
    open(
        state,
        opening,
        author,
        TicketEvent::Created {
            status: TicketStatus::New,
            on_behalf_of: None,
            by_mail: None,
        },
        FromMail::default(),
    )
    .await?;
    Ok(())
}

/// The intake account and the id of the intake category, by their key.
async fn intake(db: &impl ConnectionTrait) -> ApiResult<(users::Model, CategoryId)> {
    let account = users::Entity::find()
        .filter(users::Column::SystemKey.eq(LOST_ACCOUNT_INTAKE))
        .one(db)
        .await?;
    let category = categories::Entity::find()
        .filter(categories::Column::SystemKey.eq(LOST_ACCOUNT_INTAKE))
        .one(db)
        .await?;
    match (account, category) {
        (Some(account), Some(category)) => Ok((account, category.id)),
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
