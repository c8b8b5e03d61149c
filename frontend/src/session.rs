//! Who is signed in, and every authenticated call to the API.
//!
//! The access token lives in memory only; the refresh token is kept in `localStorage` so that
//! a reload keeps the user signed in. A call answered 401 is retried once after a refresh; if
//! the refresh fails too, the user is signed out.
//!
//! An agent in an assisted session (`crate::assisted`) acts as the customer: calls carry the
//! assisted token and `profile()` is the customer's, while the agent's own tokens and profile
//! wait beside it.
use std::{future::Future, sync::Arc};

use futures::lock::Mutex;
use guichet_client::Client;
use guichet_types::{Locale, Permission, Profile, ProfileUpdate, TicketNumber, TokenPair};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    assisted::{self, Assisted, AssistedEnd, Kept},
    avoided, dom,
    failure::Failure,
    i18n::I18n,
};

const REFRESH_KEY: &str = "guichet.refresh_token";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthState {
    /// A refresh token was found at start and is being exchanged.
    Restoring,
    SignedOut,
    /// Signed in with a temporary password: nothing else is allowed until it is changed.
    MustChangePassword,
    SignedIn,
}

#[derive(Clone, Copy)]
pub struct Session {
    state: RwSignal<AuthState>,
    access: RwSignal<Option<String>>,
    profile: RwSignal<Option<Profile>>,
    /// The address typed at sign-in, to sign in again after a forced password change.
    email: RwSignal<Option<String>>,
    /// Refresh tokens work once: concurrent 401s must share a single refresh.
    refresh_lock: StoredValue<Arc<Mutex<()>>>,
    /// The assisted session this tab runs, if any.
    assisted: RwSignal<Option<Assisted>>,
    /// How the latest assisted session ended, until the agent dismisses it.
    assisted_ended: RwSignal<Option<AssistedEnd>>,
    i18n: I18n,
}

/// Creates the session context and, if a refresh token was kept, signs back in.
pub fn provide_session(i18n: I18n) -> Session {
    let remembered = dom::storage_get(REFRESH_KEY).is_some();
    let session = Session {
        state: RwSignal::new(if remembered {
            AuthState::Restoring
        } else {
            AuthState::SignedOut
        }),
        access: RwSignal::new(None),
        profile: RwSignal::new(None),
        email: RwSignal::new(None),
        refresh_lock: StoredValue::new(Arc::new(Mutex::new(()))),
        assisted: RwSignal::new(None),
        assisted_ended: RwSignal::new(None),
        i18n,
    };
    provide_context(session);
    if !remembered {
        assisted::forget();
    }
    if remembered {
        spawn_local(async move { session.restore().await });
    }
    session
}

pub fn expect_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    /// Who the app acts as: the customer in an assisted session, else the signed-in user.
    pub fn profile(&self) -> Option<Profile> {
        match self
            .assisted
            .with(|a| a.as_ref().map(|a| a.customer.clone()))
        {
            Some(customer) => Some(customer),
            None => self.profile.get(),
        }
    }

    /// Takes on a profile the server just answered, e.g. after `PATCH /me`.
    pub fn set_profile(&self, profile: Profile) {
        self.profile.set(Some(profile));
    }

    /// Where signing in leads when no page asked for it: the landing page, unless the
    /// profile says to go straight to the tickets.
    pub fn home_path(&self) -> &'static str {
        let landing = self
            .profile
            .with_untracked(|p| p.as_ref().is_none_or(|p| p.show_landing_page));
        if landing {
            "/"
        } else {
            "/tickets"
        }
    }

    /// The name shown in the header: the profile's, else the address used to sign in.
    pub fn display_name(&self) -> Option<String> {
        match self.profile() {
            Some(p) => {
                let name = format!("{} {}", p.first_name, p.last_name)
                    .trim()
                    .to_owned();
                Some(if name.is_empty() { p.email } else { name })
            }
            None => self.email.get(),
        }
    }

    /// Whether the signed-in user's profile lists `permission`.
    fn can(&self, permission: Permission) -> bool {
        self.profile()
            .is_some_and(|p| p.permissions.contains(&permission))
    }

    /// Whether this tab counts tickets avoided (`crate::avoided`): a signed-in customer acting
    /// as themself; the server refuses the support team, and an assisted session is an agent's.
    pub fn avoids_tickets(&self) -> bool {
        untrack(|| {
            self.state.get() == AuthState::SignedIn && !self.is_staff() && !self.is_assisted()
        })
    }

    /// The access token, for a request that must outlive the page (`fetch` with keepalive).
    pub fn access_token(&self) -> Option<String> {
        self.access.get_untracked()
    }

    /// Support staff (agents, admins) work tickets of every company.
    pub fn is_staff(&self) -> bool {
        self.can(Permission::TicketsWork)
    }

    /// Administrators also write the announcements of the landing page.
    pub fn is_admin(&self) -> bool {
        self.can(Permission::Admin)
    }

    /// Referents may list every ticket of their company.
    pub fn sees_company(&self) -> bool {
        self.can(Permission::TicketsViewCompany)
    }

    fn client(&self, token: Option<String>) -> Result<Client, Failure> {
        let mut client = Client::new(&dom::origin()).map_err(Failure::from)?;
        client.set_access_token(token);
        Ok(client)
    }

    /// Runs an authenticated request, refreshing the tokens once on 401. The request is
    /// usually a method of the typed client; the upload with progress answers a `Failure`.
    /// In an assisted session it carries the assisted token, which is never refreshed: a 401
    /// ends the session and gives the agent their own back.
    pub async fn call<T, E, F, Fut>(&self, request: F) -> Result<T, Failure>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        Failure: From<E>,
    {
        // One instance of this per call site: what is not generic stays in plain methods.
        let assisted = self.assisted_token()?;
        let used = assisted.clone().or_else(|| self.access.get_untracked());
        match request(self.client(used.clone())?)
            .await
            .map_err(Failure::from)
        {
            Err(failure) if failure.is_status(401) => {}
            other => return other,
        }
        if let Some(token) = assisted {
            self.assisted_refused(&token);
            return Err(Failure::session_expired());
        }
        if !self.refresh_after(used).await {
            self.forget();
            return Err(Failure::session_expired());
        }
        request(self.client(self.access.get_untracked())?)
            .await
            .map_err(Failure::from)
    }

    /// Gets new tokens unless another call already did since `used` was rejected.
    async fn refresh_after(&self, used: Option<String>) -> bool {
        let lock = self.refresh_lock.get_value();
        let _guard = lock.lock().await;
        let current = self.access.get_untracked();
        if current.is_some() && current != used {
            return true;
        }
        self.refresh().await.is_ok()
    }

    async fn refresh(&self) -> Result<TokenPair, Failure> {
        let Some(refresh_token) = dom::storage_get(REFRESH_KEY) else {
            return Err(Failure::session_expired());
        };
        let pair = self.client(None)?.refresh(&refresh_token).await?;
        self.keep(&pair);
        Ok(pair)
    }

    fn keep(&self, pair: &TokenPair) {
        dom::storage_set(REFRESH_KEY, &pair.refresh_token);
        self.access.set(Some(pair.access_token.clone()));
    }

    fn forget(&self) {
        if self.assisted.with_untracked(Option::is_some) {
            assisted::forget();
            self.assisted.set(None);
        }
        dom::storage_remove(REFRESH_KEY);
        self.access.set(None);
        self.profile.set(None);
        self.state.set(AuthState::SignedOut);
    }

    /// Loads the profile and takes on its language.
    async fn enter(&self, pair: &TokenPair) -> Result<(), Failure> {
        if pair.must_change_password {
            self.state.set(AuthState::MustChangePassword);
            return Ok(());
        }
        // Our own profile, even when this tab runs an assisted session.
        let profile = self.client(Some(pair.access_token.clone()))?.me().await?;
        self.i18n.set(profile.locale);
        self.profile.set(Some(profile));
        self.state.set(AuthState::SignedIn);
        Ok(())
    }

    async fn restore(&self) {
        let entered = match self.refresh().await {
            Ok(pair) => {
                self.resume_assisted().await;
                self.enter(&pair).await
            }
            Err(failure) => Err(failure),
        };
        if entered.is_err() {
            self.forget();
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<AuthState, Failure> {
        let pair = self.client(None)?.login(email, password).await?;
        self.keep(&pair);
        self.email.set(Some(email.to_owned()));
        self.enter(&pair).await?;
        Ok(self.state.get_untracked())
    }

    /// Changes the password, then gets tokens that no longer carry the obligation.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), Failure> {
        let (current, new) = (current.to_owned(), new.to_owned());
        self.call(|client| {
            let (current, new) = (current.clone(), new.clone());
            async move { client.change_password(&current, &new).await }
        })
        .await?;
        let pair = match self.refresh().await {
            Ok(pair) if !pair.must_change_password => pair,
            // The server may end every session on a password change: sign in afresh, with
            // the profile's address (the one typed at sign-in is gone after a reload).
            _ => match self
                .profile
                .with_untracked(|p| p.as_ref().map(|p| p.email.clone()))
                .or_else(|| self.email.get_untracked())
            {
                Some(email) => {
                    let pair = self.client(None)?.login(&email, &new).await?;
                    self.keep(&pair);
                    pair
                }
                None => {
                    self.forget();
                    return Err(Failure::session_expired());
                }
            },
        };
        self.enter(&pair).await
    }

    pub fn sign_out(&self) {
        // Signing out leaves the articles the new-ticket form suggested: they avoided a ticket.
        // Counted before the logout, which ends the access token at once.
        let avoided = avoided::take();
        let counting = (!avoided.is_empty() && self.avoids_tickets())
            .then(|| self.client(self.access.get_untracked()).ok())
            .flatten();
        if let Some(kept) = self
            .assisted
            .with_untracked(|a| a.as_ref().map(|a| a.kept.clone()))
        {
            if let Ok(client) = self.client(Some(kept.token)) {
                spawn_local(async move {
                    // Best effort: the session expires anyway.
                    let _ = client.end_support_session(kept.access_id).await;
                });
            }
        }
        let refresh_token = dom::storage_get(REFRESH_KEY);
        self.forget();
        self.email.set(None);
        let logout = refresh_token.zip(self.client(None).ok());
        spawn_local(async move {
            if let Some(client) = counting {
                avoided::count(&client, avoided).await;
            }
            if let Some((token, client)) = logout {
                // Best effort: the token expires anyway.
                let _ = client.logout(&token).await;
            }
        });
    }

    /// Switches the language and, when signed in, remembers it on the profile.
    pub fn set_locale(&self, locale: Locale) {
        self.i18n.set(locale);
        let stored = self
            .profile
            .with_untracked(|p| p.as_ref().map(|p| p.locale));
        // An assisted session may not change the customer's profile: the choice is this tab's.
        if self.state.get_untracked() != AuthState::SignedIn
            || stored == Some(locale)
            || self.assisted.with_untracked(Option::is_some)
        {
            return;
        }
        let session = *self;
        spawn_local(async move {
            let update = ProfileUpdate {
                locale: Some(locale),
                ..Default::default()
            };
            let saved = session
                .call(|client| {
                    let update = update.clone();
                    async move { client.update_me(&update).await }
                })
                .await;
            if let Ok(profile) = saved {
                session.profile.set(Some(profile));
            }
        });
    }
}

/// The assisted session (`crate::assisted`).
impl Session {
    /// The running assisted session (reactive).
    pub fn assisted(&self) -> Option<Assisted> {
        self.assisted.get()
    }

    pub fn is_assisted(&self) -> bool {
        self.assisted.with(Option::is_some)
    }

    /// How the latest assisted session ended, while the agent has not dismissed it.
    pub fn assisted_ended(&self) -> Option<AssistedEnd> {
        self.assisted_ended.get()
    }

    pub fn dismiss_assisted_end(&self) {
        self.assisted_ended.set(None);
    }

    /// Starts an assisted session on access `access_id` of ticket `ticket`, for the customer
    /// `customer_name`: the app then acts as the customer.
    pub async fn start_assisted(
        &self,
        access_id: i64,
        ticket: TicketNumber,
        customer_name: String,
    ) -> Result<(), Failure> {
        let started = self
            .call(|client| async move { client.start_support_session(access_id).await })
            .await?;
        let kept = Kept {
            token: started.access_token,
            access_id,
            ticket,
            customer_name,
            expires_at: started.session.expires_at,
        };
        let customer = self.client(Some(kept.token.clone()))?.me().await?;
        assisted::keep(&kept);
        self.assisted_ended.set(None);
        self.enter_assisted(Assisted { kept, customer });
        Ok(())
    }

    /// Takes back the session this tab kept over a reload, unless the server ended it since.
    async fn resume_assisted(&self) {
        let Some(kept) = assisted::load(dom::now()) else {
            return;
        };
        let customer = match self.client(Some(kept.token.clone())) {
            Ok(client) => client.me().await.map_err(Failure::from),
            Err(failure) => Err(failure),
        };
        match customer {
            Ok(customer) => self.enter_assisted(Assisted { kept, customer }),
            Err(_) => self.leave_assisted(AssistedEnd::Cut),
        }
    }

    /// Acts as the customer until the session expires.
    fn enter_assisted(&self, running: Assisted) {
        let session = *self;
        let token = running.kept.token.clone();
        let left = (running.kept.expires_at - dom::now())
            .to_std()
            .unwrap_or_default();
        self.assisted.set(Some(running));
        set_timeout(move || session.assisted_refused(&token), left);
    }

    /// The token to call with in an assisted session; an expired one ends it.
    fn assisted_token(&self) -> Result<Option<String>, Failure> {
        let Some((token, expired)) = self.assisted.with_untracked(|a| {
            a.as_ref()
                .map(|a| (a.kept.token.clone(), a.kept.expired(dom::now())))
        }) else {
            return Ok(None);
        };
        if expired {
            self.assisted_refused(&token);
            return Err(Failure::session_expired());
        }
        Ok(Some(token))
    }

    /// The server refused `token` (or it expired): the session it belongs to is over, if it
    /// is still the one running.
    fn assisted_refused(&self, token: &str) {
        let current = self
            .assisted
            .try_with_untracked(|a| a.as_ref().is_some_and(|a| a.kept.token == token));
        if current == Some(true) {
            self.leave_assisted(AssistedEnd::Cut);
        }
    }

    /// Ends the assisted session (the agent's choice) and gives the agent their own back.
    pub async fn end_assisted(&self) {
        let Some(kept) = self
            .assisted
            .with_untracked(|a| a.as_ref().map(|a| a.kept.clone()))
        else {
            return;
        };
        if let Ok(client) = self.client(Some(kept.token)) {
            // A session already over (401) or gone (404) ends here as well.
            let _ = client.end_support_session(kept.access_id).await;
        }
        self.leave_assisted(AssistedEnd::Agent);
    }

    fn leave_assisted(&self, how: AssistedEnd) {
        assisted::forget();
        self.assisted.set(None);
        self.assisted_ended.set(Some(how));
    }
}

/// A client with no token, for the pages used before signing in (forgotten password,
/// access request).
pub fn anonymous_client() -> Result<Client, Failure> {
    Client::new(&dom::origin()).map_err(Failure::from)
}
