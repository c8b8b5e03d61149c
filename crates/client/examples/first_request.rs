//! The first request of docs/INTEGRATING.md: list the tickets the token may see.
//! Run with `GUICHET_URL` and `GUICHET_TOKEN` set:
//! `cargo run -p guichet-client --example first_request`.
use guichet_client::Client;
use guichet_types::TicketListQuery;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("GUICHET_URL")?;
    let token = std::env::var("GUICHET_TOKEN")?;
    let guichet = Client::new(&url)?.with_access_token(token);
    let page = guichet.list_tickets(&TicketListQuery::default()).await?;
    for ticket in &page.items {
        println!("{} [{}] {}", ticket.number, ticket.status, ticket.title);
    }
    Ok(())
}
