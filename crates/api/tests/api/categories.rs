//! The in-memory category tree follows category writes: at once on the instance that
//! wrote, within the stated bound on another instance over the same database.
use std::time::{Duration, Instant};

use guichet_api::accounts::categories::CHECK_EVERY;
use guichet_api::entities::categories;
use guichet_api::state::AppState;
use guichet_client::Client;
use guichet_types::TicketNumber;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::helpers::{spawn, Backend};
use crate::on_both_databases;

on_both_databases!(a_renamed_category_shows_at_once_here_and_soon_on_another_instance);

/// A category write as the category administration will make it: the row and the cache's
/// counter in one transaction.
async fn rename(state: &AppState, id: i64, name_fr: &str, name_en: &str) {
    let (txn, _turn) = state.writes.begin(&state.db).await.expect("begin");
    let row = categories::Entity::find_by_id(guichet_types::CategoryId(id))
        .one(&txn)
        .await
        .expect("read")
        .expect("the category");
    let mut row: categories::ActiveModel = row.into();
    row.name_fr = Set(name_fr.to_owned());
    row.name_en = Set(name_en.to_owned());
    row.update(&txn).await.expect("rename");
    state.categories.changed(&txn).await.expect("counter");
    txn.commit().await.expect("commit");
}

async fn category_name(client: &Client, number: &TicketNumber) -> String {
    client.ticket(number).await.expect("ticket").category.name
}

async fn a_renamed_category_shows_at_once_here_and_soon_on_another_instance(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Catégorie renommée").await;
    let other = app.another_instance(&[]).await;
    let claire_there = other.with_access_token(claire.access_token().expect("a token"));
    let old_name = category_name(&claire_there, &ticket.number).await;
    assert_eq!(old_name, ticket.category.name);

    rename(
        &app.state,
        ticket.category.id,
        "Imprimantes (renommé)",
        "Printers (renamed)",
    )
    .await;
    assert_eq!(
        category_name(&claire, &ticket.number).await,
        "Imprimantes (renommé)",
        "the writing instance shows the new name at once"
    );

    // The other instance read the tree before the write; it sees the counter move within
    // `CHECK_EVERY` (slack for the reload and a loaded machine).
    let written = Instant::now();
    loop {
        let shown = category_name(&claire_there, &ticket.number).await;
        if shown == "Imprimantes (renommé)" {
            break;
        }
        assert_eq!(shown, old_name);
        assert!(
            written.elapsed() < CHECK_EVERY + Duration::from_secs(3),
            "another instance still shows {shown:?} after {:?}",
            written.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
