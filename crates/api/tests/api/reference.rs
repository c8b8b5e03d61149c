//! Reference lists for the support team's screens: companies and the team itself.
use guichet_types::Role;

use crate::helpers::{spawn, Backend};
use crate::on_both_databases;

on_both_databases!(the_support_team_lists_companies_and_colleagues);

async fn the_support_team_lists_companies_and_colleagues(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let names: Vec<String> = agent
        .all_companies()
        .await
        .expect("companies")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"Acme Industrie".to_owned()));
    assert!(names.contains(&"Boréal Transports".to_owned()));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");

    let team = agent.staff().await.expect("staff");
    let people: Vec<(&str, Role)> = team.iter().map(|a| (a.name.as_str(), a.role)).collect();
    assert_eq!(
        people,
        [("Adam Admin", Role::Admin), ("Agnès Support", Role::Agent)]
    );

    let claire = app.client_for("claire@acme.test").await;
    assert_eq!(
        claire.all_companies().await.map_err(|e| e.status()).err(),
        Some(Some(403))
    );
    assert_eq!(
        claire.staff().await.map_err(|e| e.status()).err(),
        Some(Some(403))
    );
}
