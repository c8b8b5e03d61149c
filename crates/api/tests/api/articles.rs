//! The knowledge base and the provider page, driven as an integrator would: who reads which
//! article (with and without a token), search, sanitising, votes, the support team's writes
//! with their revisions and audit entries, images, the sitemap and "Votre prestataire".
use guichet_client::{Client, ClientError, PageAt};
use guichet_types::{
    ArticleFeedbackInput, ArticleListQuery, ArticlePreviewInput, ArticleUpdate, ArticleVisibility,
    AuditQuery, CategoryId, Locale, NewApiToken, NewArticle, ProviderPageInput, TokenScope,
};

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_databases;
use crate::people::company_id;

on_both_databases!(
    each_reader_gets_the_articles_of_their_audience,
    search_folds_case_and_accents_and_filters_by_category_and_language,
    hostile_markdown_is_stored_harmless,
    one_vote_per_person_and_per_browser,
    bad_articles_are_refused_naming_every_member,
    writes_are_audited_with_their_revisions,
    readings_and_avoided_tickets_are_counted_for_the_team,
    images_are_served_with_their_article,
    the_sitemap_lists_only_public_published_articles,
    the_provider_page_is_written_by_admins_with_each_reader_s_contract,
    api_tokens_read_and_vote_within_their_scopes,
    suggestions_match_any_word_of_a_title_best_first,
    the_preview_renders_as_saving_and_writes_nothing,
);

const VOTER: &str = "9b2f6c1e-8d0a-4f7b-a1c3-5e6d7f8a9b0c";

fn article(slug: &str, title: &str, visibility: ArticleVisibility) -> NewArticle {
    NewArticle {
        slug: Some(slug.to_owned()),
        title: title.to_owned(),
        body_markdown: format!("Le corps de **{title}**."),
        locale: Locale::Fr,
        visibility,
        published: Some(true),
        ..Default::default()
    }
}

async fn category(app: &TestApp, name_fr: &str) -> CategoryId {
    CategoryId(
        app.count(&format!(
            "SELECT id FROM categories WHERE name_fr = '{name_fr}'"
        ))
        .await,
    )
}

async fn slugs(client: &Client, query: ArticleListQuery) -> Vec<String> {
    let mut found: Vec<String> = client
        .articles(&ArticleListQuery {
            limit: Some(100),
            ..query
        })
        .await
        .expect("the articles")
        .items
        .into_iter()
        .map(|a| a.slug)
        .collect();
    found.sort();
    found
}

fn status(result: Result<impl std::fmt::Debug, ClientError>) -> Option<u16> {
    result.err().and_then(|e| e.status())
}

fn fields(error: ClientError) -> (u16, Vec<(String, String)>) {
    let problem = error.problem().cloned().expect("a problem answer");
    let mut fields: Vec<(String, String)> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    fields.sort();
    (problem.status, fields)
}

async fn each_reader_gets_the_articles_of_their_audience(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let acme = company_id(&app, "1234").await;
    for new in [
        article("zz-public", "Zorglub public", ArticleVisibility::Public),
        article(
            "zz-clients",
            "Zorglub clients",
            ArticleVisibility::Customers,
        ),
        NewArticle {
            company_ids: Some(vec![acme]),
            ..article("zz-acme", "Zorglub Acme", ArticleVisibility::Companies)
        },
        NewArticle {
            published: Some(false),
            ..article(
                "zz-brouillon",
                "Zorglub brouillon",
                ArticleVisibility::Public,
            )
        },
    ] {
        agent.create_article(&new).await.expect("an article");
    }
    let zorglub = || ArticleListQuery {
        q: Some("zorglub".into()),
        ..Default::default()
    };
    assert_eq!(slugs(&app.anonymous, zorglub()).await, ["zz-public"]);
    assert_eq!(
        slugs(&claire, zorglub()).await,
        ["zz-acme", "zz-clients", "zz-public"]
    );
    assert_eq!(slugs(&paul, zorglub()).await, ["zz-clients", "zz-public"]);
    assert_eq!(
        slugs(&agent, zorglub()).await,
        ["zz-acme", "zz-brouillon", "zz-clients", "zz-public"]
    );
    assert_eq!(
        slugs(
            &agent,
            ArticleListQuery {
                published: Some(false),
                ..zorglub()
            }
        )
        .await,
        ["zz-brouillon"]
    );

    // One article: what a reader may not read is a 404, as what does not exist.
    for (reader, slug, expected) in [
        (&app.anonymous, "zz-public", None),
        (&app.anonymous, "zz-clients", Some(404)),
        (&app.anonymous, "zz-brouillon", Some(404)),
        (&claire, "zz-acme", None),
        (&paul, "zz-acme", Some(404)),
        (&paul, "zz-brouillon", Some(404)),
        (&agent, "zz-brouillon", None),
        (&agent, "nothing-here", Some(404)),
    ] {
        assert_eq!(status(reader.article(slug).await), expected, "{slug}");
    }
    // Customers do not learn which companies an article is for, nor its counters.
    let seen = claire.article("zz-acme").await.expect("Acme's article");
    assert!(seen.company_ids.is_empty());
    assert_eq!(seen.views, None);
    let by_agent = agent.article("zz-acme").await.expect("for the team");
    assert_eq!(by_agent.company_ids, [acme]);
    assert!(by_agent.views.is_some());

    // A token that is not valid is refused, never read as anonymous.
    let forged = app.anonymous.with_access_token("not-a-token");
    assert_eq!(status(forged.article("zz-public").await), Some(401));
    assert_eq!(
        status(forged.articles(&ArticleListQuery::default()).await),
        Some(401)
    );
}

async fn search_folds_case_and_accents_and_filters_by_category_and_language(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let billing = category(&app, "Facturation").await;
    let request = category(&app, "Demande").await;
    let outage = category(&app, "Coupure totale").await;
    for new in [
        NewArticle {
            body_markdown: "Les ordinateurs ne démarrent plus après la mise à jour.".into(),
            category_id: Some(outage),
            ..article(
                "kb-demarrage",
                "Écran noir au démarrage",
                ArticleVisibility::Customers,
            )
        },
        NewArticle {
            body_markdown: "Chaque échéance trimestrielle est détaillée.".into(),
            category_id: Some(billing),
            ..article(
                "kb-echeance",
                "Échéancier trimestriel",
                ArticleVisibility::Customers,
            )
        },
        NewArticle {
            locale: Locale::En,
            body_markdown: "Every quarterly instalment is detailed.".into(),
            category_id: Some(billing),
            ..article(
                "kb-instalment",
                "Quarterly échéancier",
                ArticleVisibility::Customers,
            )
        },
    ] {
        agent.create_article(&new).await.expect("an article");
    }
    let q = |text: &str| ArticleListQuery {
        q: Some(text.to_owned()),
        ..Default::default()
    };
    assert_eq!(
        slugs(&claire, q("ORDINATEUR DEMARRE")).await,
        ["kb-demarrage"]
    );
    assert_eq!(slugs(&claire, q("ecran NOIR")).await, ["kb-demarrage"]);
    assert_eq!(
        slugs(&claire, q("ordinateur tablette")).await,
        Vec::<String>::new()
    );
    // Word starts only: "marre" is inside "démarre", not at its start.
    assert_eq!(slugs(&claire, q("marre")).await, Vec::<String>::new());
    assert_eq!(
        slugs(&claire, q("echeancier")).await,
        ["kb-echeance", "kb-instalment"]
    );
    // A category takes the ones below it.
    assert_eq!(
        slugs(
            &claire,
            ArticleListQuery {
                category_id: Some(request),
                ..q("echeancier")
            }
        )
        .await,
        ["kb-echeance", "kb-instalment"]
    );
    assert_eq!(
        slugs(
            &claire,
            ArticleListQuery {
                category_id: Some(outage),
                ..q("echeancier")
            }
        )
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        slugs(
            &claire,
            ArticleListQuery {
                locale: Some(Locale::En),
                ..q("echeancier")
            }
        )
        .await,
        ["kb-instalment"]
    );
    // The summary names its category in the article's language, without the body.
    let page = claire
        .articles(&ArticleListQuery {
            locale: Some(Locale::En),
            ..q("echeancier")
        })
        .await
        .expect("a page");
    assert_eq!(
        page.items[0].category.as_ref().map(|c| c.name.as_str()),
        Some("Billing")
    );
    assert_eq!(
        page.items[0].excerpt,
        "Every quarterly instalment is detailed."
    );

    // Bad filters are named, all at once.
    let answer = claire
        .raw(
            "GET",
            "/api/v1/articles?category_id=abc&locale=de&published=maybe&limit=0",
            None,
            None,
        )
        .await
        .expect("an answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("a problem");
    let mut named: Vec<String> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    named.sort();
    assert_eq!(named, ["category_id", "limit", "locale", "published"]);

    // Keyset pages: every article once.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = claire
            .articles(&ArticleListQuery {
                limit: Some(4),
                cursor: cursor.clone(),
                ..Default::default()
            })
            .await
            .expect("a page");
        seen.extend(page.items.into_iter().map(|a| a.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let total = seen.len();
    seen.dedup();
    assert_eq!(seen.len(), total);
    assert!(total >= 13, "{total}");
}

async fn hostile_markdown_is_stored_harmless(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let hostile = "# Titre\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n\
        [lien](javascript:alert(3)) [ok](https://example.test/doc)\n\n\
        ![pixel](https://evil.test/p.gif) ![schéma](/api/v1/articles/kb-hostile/images/1)\n\n\
        <iframe src=\"https://evil.test\"></iframe> <svg onload=alert(4)>";
    let made = agent
        .create_article(&NewArticle {
            body_markdown: hostile.into(),
            ..article("kb-hostile", "Hostile", ArticleVisibility::Public)
        })
        .await
        .expect("an article");
    let html = app
        .anonymous
        .article("kb-hostile")
        .await
        .expect("public")
        .body_html;
    assert_eq!(made.body_html, html);
    for bad in [
        "<script",
        "<iframe",
        "<svg",
        "onerror=\"",
        "href=\"javascript",
        "<img src=\"https://evil.test",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(
        html.contains(
            "<a href=\"https://example.test/doc\" rel=\"noopener noreferrer nofollow\">ok</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"/api/v1/articles/kb-hostile/images/1\" alt=\"schéma\">"),
        "{html}"
    );
    // A PATCH renders again.
    let patched = agent
        .update_article(
            "kb-hostile",
            &ArticleUpdate {
                body_markdown: Some("<b onclick=x>gras</b> et **gras**".into()),
                ..Default::default()
            },
        )
        .await
        .expect("patched");
    assert!(patched.body_html.contains("<strong>gras</strong>"));
    assert!(!patched.body_html.contains("onclick=\""));
}

async fn one_vote_per_person_and_per_browser(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let remi = app.client_for("remi@acme.test").await;
    agent
        .create_article(&article("kb-vote", "Voter", ArticleVisibility::Public))
        .await
        .expect("an article");
    let vote = |helpful: bool, comment: Option<&str>, voter: Option<&str>| ArticleFeedbackInput {
        helpful,
        comment: comment.map(str::to_owned),
        voter: voter.map(str::to_owned),
    };
    let counts = || async {
        let article = agent.article("kb-vote").await.expect("the article");
        (article.helpful_count, article.unhelpful_count)
    };
    let first = claire
        .vote_on_article("kb-vote", &vote(true, None, None))
        .await
        .expect("a vote");
    assert!(!first.replaced);
    assert_eq!(counts().await, (Some(1), Some(0)));
    // Claire changes her mind: her vote is replaced, not added.
    let second = claire
        .vote_on_article("kb-vote", &vote(false, Some("  Pas clair.  "), None))
        .await
        .expect("a second vote");
    assert!(second.replaced);
    assert_eq!(second.comment.as_deref(), Some("Pas clair."));
    assert_eq!(counts().await, (Some(0), Some(1)));
    claire
        .vote_on_article("kb-vote", &vote(false, Some("Pas clair."), None))
        .await
        .expect("the same vote again");
    assert_eq!(counts().await, (Some(0), Some(1)));
    remi.vote_on_article("kb-vote", &vote(true, None, None))
        .await
        .expect("Rémi's vote");
    assert_eq!(counts().await, (Some(1), Some(1)));
    // A browser votes once too, whatever the case of its id.
    app.anonymous
        .vote_on_article("kb-vote", &vote(true, None, Some(VOTER)))
        .await
        .expect("a browser's vote");
    let again = app
        .anonymous
        .vote_on_article("kb-vote", &vote(true, None, Some(&VOTER.to_uppercase())))
        .await
        .expect("the browser again");
    assert!(again.replaced);
    assert_eq!(counts().await, (Some(2), Some(1)));
    assert_eq!(app.count("SELECT COUNT(*) FROM article_feedback").await, 3);
    // Without a token, the browser's id is required, and must be a UUID.
    for (voter, code) in [(None, "required"), (Some("abc"), "invalid")] {
        let refused = app
            .anonymous
            .vote_on_article("kb-vote", &vote(true, None, voter))
            .await
            .expect_err("refused");
        assert_eq!(fields(refused), (422, vec![("voter".into(), code.into())]));
    }
    // The team reads the comments, newest first; customers may not.
    let feedback = agent
        .article_feedback("kb-vote", &PageAt::default())
        .await
        .expect("the votes");
    assert_eq!(feedback.items.len(), 3);
    let claire_s = feedback
        .items
        .iter()
        .find(|f| f.user.as_ref().is_some_and(|u| u.name == "Claire Martin"))
        .expect("Claire's vote");
    assert_eq!(claire_s.comment.as_deref(), Some("Pas clair."));
    assert_eq!(
        status(claire.article_feedback("kb-vote", &PageAt::default()).await),
        Some(403)
    );
}

async fn bad_articles_are_refused_naming_every_member(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let bad = NewArticle {
        slug: Some("Pas Un Slug".into()),
        title: "  ".into(),
        body_markdown: String::new(),
        ..article("x", "x", ArticleVisibility::Public)
    };
    let refused = agent.create_article(&bad).await.expect_err("refused");
    assert_eq!(
        fields(refused),
        (
            422,
            vec![
                ("body_markdown".into(), "length".into()),
                ("slug".into(), "invalid".into()),
                ("title".into(), "blank".into()),
            ]
        )
    );
    let answer = agent
        .raw_json(
            "POST",
            "/api/v1/articles",
            &serde_json::json!({"title": "T", "body_markdown": "B", "locale": "de",
                "visibility": "secret", "colour": "blue"}),
        )
        .await
        .expect("an answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("a problem");
    let mut named: Vec<String> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    named.sort();
    assert_eq!(named, ["colour", "locale", "visibility"]);
    // What only the database can tell is named too, and nothing is written.
    let before = app.count("SELECT COUNT(*) FROM articles").await;
    let unknown = agent
        .create_article(&NewArticle {
            category_id: Some(CategoryId(999_999)),
            translation_of: Some(guichet_types::ArticleId(999_999)),
            ..article("kb-orphan", "Orphelin", ArticleVisibility::Companies)
        })
        .await
        .expect_err("refused");
    assert_eq!(
        fields(unknown),
        (
            422,
            vec![
                ("category_id".into(), "not_found".into()),
                ("company_ids".into(), "required".into()),
                ("translation_of".into(), "not_found".into()),
            ]
        )
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM articles").await, before);
    // A title that gives no slug asks for one; a taken slug is a conflict naming it.
    let no_slug = agent
        .create_article(&NewArticle {
            slug: None,
            ..article("x", "!!!", ArticleVisibility::Public)
        })
        .await
        .expect_err("refused");
    assert_eq!(
        fields(no_slug),
        (422, vec![("slug".into(), "required".into())])
    );
    let made = agent
        .create_article(&NewArticle {
            slug: None,
            ..article("x", "Réinitialiser l'imprimante", ArticleVisibility::Public)
        })
        .await
        .expect("a slug from the title");
    assert_eq!(made.slug, "reinitialiser-l-imprimante");
    let taken = agent
        .create_article(&article(
            "reinitialiser-l-imprimante",
            "Autre",
            ArticleVisibility::Public,
        ))
        .await
        .expect_err("taken");
    assert_eq!(fields(taken), (409, vec![("slug".into(), "taken".into())]));
    // Customers write nothing.
    for result in [
        status(
            claire
                .create_article(&article("kb-claire", "Claire", ArticleVisibility::Public))
                .await,
        ),
        status(
            claire
                .update_article(
                    &made.slug,
                    &ArticleUpdate {
                        title: Some("Piraté".into()),
                        ..Default::default()
                    },
                )
                .await,
        ),
        status(claire.delete_article(&made.slug).await),
        status(
            claire
                .article_revisions(&made.slug, &PageAt::default())
                .await,
        ),
    ] {
        assert_eq!(result, Some(403));
    }
    // A translation must name an original in another language.
    let same = agent
        .create_article(&NewArticle {
            translation_of: Some(made.id),
            ..article("kb-meme-langue", "Même langue", ArticleVisibility::Public)
        })
        .await
        .expect_err("same language");
    assert_eq!(
        fields(same),
        (422, vec![("translation_of".into(), "same_locale".into())])
    );
}

async fn writes_are_audited_with_their_revisions(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let original = agent
        .create_article(&article("kb-box", "La box", ArticleVisibility::Public))
        .await
        .expect("an article");
    let english = agent
        .create_article(&NewArticle {
            locale: Locale::En,
            translation_of: Some(original.id),
            ..article("kb-router", "The router", ArticleVisibility::Customers)
        })
        .await
        .expect("its translation");
    // Each side names the other, as far as the reader may read it.
    let seen = agent.article("kb-box").await.expect("the original");
    assert_eq!(
        seen.translations
            .iter()
            .map(|t| (t.slug.as_str(), t.locale))
            .collect::<Vec<_>>(),
        [("kb-router", Locale::En)]
    );
    assert_eq!(
        claire
            .article("kb-router")
            .await
            .expect("for customers")
            .translations[0]
            .slug,
        "kb-box"
    );
    assert!(app
        .anonymous
        .article("kb-box")
        .await
        .expect("public")
        .translations
        .is_empty());

    let reviewed_before = original.reviewed_on;
    let changed = agent
        .update_article(
            "kb-box",
            &ArticleUpdate {
                title: Some("La box fibre".into()),
                reviewed: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("changed");
    assert_eq!(changed.title, "La box fibre");
    assert!(changed.reviewed_on >= reviewed_before);
    // Only the publication changes: no new revision.
    agent
        .update_article(
            "kb-box",
            &ArticleUpdate {
                published: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("unpublished");
    // Nothing changes: nothing is written.
    let audited = || async {
        admin
            .audit_events(&AuditQuery {
                target_type: Some("article".into()),
                target_id: Some(original.id.to_string()),
                ..Default::default()
            })
            .await
            .expect("the audit log")
            .items
    };
    let entries = audited().await.len();
    agent
        .update_article(
            "kb-box",
            &ArticleUpdate {
                published: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("the same");
    let entries_after = audited().await;
    assert_eq!(entries_after.len(), entries);
    let actions: Vec<&str> = entries_after.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["article.updated", "article.updated", "article.created"]
    );
    assert!(entries_after[1].changes.contains_key("title"));
    assert!(entries_after[0].changes.contains_key("published"));

    let revisions = agent
        .article_revisions("kb-box", &PageAt::default())
        .await
        .expect("the revisions");
    let titles: Vec<(i32, &str)> = revisions
        .items
        .iter()
        .map(|r| (r.number, r.title.as_str()))
        .collect();
    assert_eq!(titles, [(2, "La box fibre"), (1, "La box")]);
    assert_eq!(
        revisions.items[0].author.as_ref().map(|a| a.name.as_str()),
        Some("Agnès Support")
    );

    agent
        .vote_on_article(
            "kb-box",
            &ArticleFeedbackInput {
                helpful: true,
                ..Default::default()
            },
        )
        .await
        .expect("a vote");
    agent.delete_article("kb-box").await.expect("removed");
    assert_eq!(status(agent.article("kb-box").await), Some(404));
    for table in ["article_revisions", "article_feedback"] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM {table} WHERE article_id = {}",
                original.id
            ))
            .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        audited().await.first().map(|e| e.action.clone()),
        Some("article.deleted".to_owned())
    );
    // The translation stays, unlinked.
    let left = agent.article("kb-router").await.expect("the translation");
    assert_eq!(left.translation_of, None);
    assert_eq!(english.translation_of, Some(original.id));
}

async fn readings_and_avoided_tickets_are_counted_for_the_team(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    agent
        .create_article(&article("kb-vues", "Vues", ArticleVisibility::Public))
        .await
        .expect("an article");
    app.anonymous.article("kb-vues").await.expect("a reading");
    claire.article("kb-vues").await.expect("a reading");
    agent.article("kb-vues").await.expect("not counted");
    claire
        .count_avoided_ticket("kb-vues")
        .await
        .expect("a ticket avoided");
    assert_eq!(
        status(agent.count_avoided_ticket("kb-vues").await),
        Some(403)
    );
    assert_eq!(
        status(app.anonymous.count_avoided_ticket("kb-vues").await),
        Some(401)
    );
    let counted = agent.article("kb-vues").await.expect("the counters");
    assert_eq!(counted.views, Some(2));
    assert_eq!(counted.avoided_tickets, Some(1));
    let listed = agent
        .articles(&ArticleListQuery {
            q: Some("vues".into()),
            ..Default::default()
        })
        .await
        .expect("the list");
    assert_eq!(listed.items[0].avoided_tickets, Some(1));
    let by_claire = claire
        .articles(&ArticleListQuery {
            q: Some("vues".into()),
            ..Default::default()
        })
        .await
        .expect("the list");
    assert_eq!(by_claire.items[0].views, None);
}

async fn images_are_served_with_their_article(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let acme = company_id(&app, "1234").await;
    agent
        .create_article(&NewArticle {
            company_ids: Some(vec![acme]),
            ..article("kb-schema", "Schéma", ArticleVisibility::Companies)
        })
        .await
        .expect("an article");
    let png = b"\x89PNG\r\n\x1a\n fake".to_vec();
    let image = agent
        .upload_article_image("kb-schema", "schéma réseau.png", "image/png", png.clone())
        .await
        .expect("an image");
    assert_eq!(
        image.url,
        format!("/api/v1/articles/kb-schema/images/{}", image.id)
    );
    let refused = agent
        .upload_article_image("kb-schema", "page.svg", "image/svg+xml", b"<svg/>".to_vec())
        .await
        .expect_err("not an image");
    assert_eq!(
        fields(refused),
        (422, vec![("file".into(), "not_an_image".into())])
    );
    agent
        .update_article(
            "kb-schema",
            &ArticleUpdate {
                body_markdown: Some(format!("![le schéma]({})", image.url)),
                ..Default::default()
            },
        )
        .await
        .expect("shown in the body");
    let claire = app.client_for("claire@acme.test").await;
    let served = claire
        .article_image("kb-schema", image.id)
        .await
        .expect("an answer");
    assert_eq!(served.status, 200);
    assert_eq!(served.body, png);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert!(served
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("inline;")));
    // Those who may not read the article do not get its images.
    for reader in [&paul, &app.anonymous] {
        let hidden = reader
            .article_image("kb-schema", image.id)
            .await
            .expect("an answer");
        assert_eq!(hidden.status, 404);
    }
    let elsewhere = claire
        .article_image("redemarrer-la-box-fibre", image.id)
        .await
        .expect("an answer");
    assert_eq!(elsewhere.status, 404);
    // A new slug moves the images' paths, in the body too.
    let renamed = agent
        .update_article(
            "kb-schema",
            &ArticleUpdate {
                slug: Some("kb-schema-reseau".into()),
                ..Default::default()
            },
        )
        .await
        .expect("renamed");
    let moved = format!("/api/v1/articles/kb-schema-reseau/images/{}", image.id);
    assert!(
        renamed.body_markdown.contains(&moved),
        "{}",
        renamed.body_markdown
    );
    assert!(renamed.body_html.contains(&moved), "{}", renamed.body_html);
    let served = claire
        .article_image("kb-schema-reseau", image.id)
        .await
        .expect("an answer");
    assert_eq!((served.status, served.body), (200, png));
    agent
        .delete_article("kb-schema-reseau")
        .await
        .expect("removed");
    assert_eq!(app.count("SELECT COUNT(*) FROM article_images").await, 0);
}

async fn the_sitemap_lists_only_public_published_articles(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    agent
        .create_article(&NewArticle {
            published: Some(false),
            ..article("kb-public-draft", "Brouillon", ArticleVisibility::Public)
        })
        .await
        .expect("a draft");
    let answer = app
        .anonymous
        .raw("GET", "/sitemap.xml", None, None)
        .await
        .expect("the sitemap");
    assert_eq!(answer.status, 200);
    assert!(answer
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/xml")));
    let xml = String::from_utf8(answer.body).expect("text");
    assert!(
        xml.contains("/help/redemarrer-la-box-fibre</loc><lastmod>"),
        "{xml}"
    );
    for hidden in [
        "connexion-lente-que-verifier",
        "imprimante-du-2e-etage-bourrage",
        "migration-de-la-messagerie-2027",
        "kb-public-draft",
    ] {
        assert!(!xml.contains(hidden), "{hidden} in {xml}");
    }
    assert_eq!(
        xml.matches("<url>").count() as i64,
        app.count("SELECT COUNT(*) FROM articles WHERE published = true AND visibility = 'public'")
            .await
    );
    assert_eq!(app.anonymous.sitemap().await.expect("typed"), xml);
}

async fn the_provider_page_is_written_by_admins_with_each_reader_s_contract(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let page = ProviderPageInput {
        body_markdown: "## Horaires\n\nDe 8 h à 18 h. <script>alert(1)</script>".into(),
    };
    assert_eq!(
        status(agent.put_provider_page(Locale::Fr, &page).await),
        Some(403)
    );
    let written = admin
        .put_provider_page(Locale::Fr, &page)
        .await
        .expect("written");
    assert!(written.body_html.contains("<h2>Horaires</h2>"));
    assert!(!written.body_html.contains("<script"));
    let answer = admin
        .raw(
            "PUT",
            "/api/v1/provider-page/de",
            Some("application/json"),
            Some(b"{\"body_markdown\": \"x\"}".to_vec()),
        )
        .await
        .expect("an answer");
    assert_eq!(answer.status, 404);

    // Acme's gold contract shows the account manager's line; Boréal's standard one does not.
    let acme = claire.provider_page(Some(Locale::Fr)).await.expect("Acme");
    assert_eq!(acme.body_html, written.body_html);
    let contract = acme.contract.expect("Acme's contract");
    assert_eq!(contract.level, guichet_types::ContractLevel::Gold);
    assert_eq!(
        contract.account_manager.map(|m| m.phone),
        Some("03 89 00 00 00".to_owned())
    );
    let boreal = paul.provider_page(None).await.expect("Boréal");
    let contract = boreal.contract.expect("Boréal's contract");
    assert_eq!(contract.level, guichet_types::ContractLevel::Standard);
    assert_eq!(contract.account_manager, None);
    assert_eq!(
        agent.provider_page(None).await.expect("the team").contract,
        None
    );
    assert_eq!(status(app.anonymous.provider_page(None).await), Some(401));
    let english = claire
        .provider_page(Some(Locale::En))
        .await
        .expect("English");
    assert!(
        english.body_html.contains("Monday to Friday"),
        "{}",
        english.body_html
    );

    let audited = admin
        .audit_events(&AuditQuery {
            action: Some("provider_page.updated".into()),
            ..Default::default()
        })
        .await
        .expect("the audit log");
    assert_eq!(audited.items.len(), 1);
    assert_eq!(audited.items[0].target.id, "fr");
}

async fn api_tokens_read_and_vote_within_their_scopes(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let made = claire
        .create_my_token(&NewApiToken {
            name: "Aide en ligne".into(),
            scopes: vec![TokenScope::TicketsRead],
            expires_at: None,
        })
        .await
        .expect("a token");
    let robot = app.anonymous.with_access_token(made.secret);
    // Claire's audience, not the anonymous one: the customers' articles too.
    let read = robot
        .article("connexion-lente-que-verifier")
        .await
        .expect("a customers' article");
    assert_eq!(read.locale, Locale::Fr);
    let refused = robot
        .vote_on_article(
            "connexion-lente-que-verifier",
            &ArticleFeedbackInput {
                helpful: true,
                ..Default::default()
            },
        )
        .await
        .expect_err("no tickets:write");
    assert_eq!(
        refused.problem().map(|p| (p.status, p.code.as_str())),
        Some((403, "insufficient_scope"))
    );
}

async fn suggestions_match_any_word_of_a_title_best_first(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    for (slug, title, visibility, published) in [
        (
            "kb-sugg-deux",
            "Wifizz lent et Zorglub",
            ArticleVisibility::Public,
            true,
        ),
        (
            "kb-sugg-un",
            "Zorglub seul",
            ArticleVisibility::Customers,
            true,
        ),
        (
            "kb-sugg-brouillon",
            "Zorglub wifizz brouillon",
            ArticleVisibility::Public,
            false,
        ),
    ] {
        agent
            .create_article(&NewArticle {
                published: Some(published),
                ..article(slug, title, visibility)
            })
            .await
            .expect("an article");
    }
    for i in 0..6 {
        agent
            .create_article(&article(
                &format!("kb-sugg-{i}"),
                &format!("Zorglubien numéro {i}"),
                ArticleVisibility::Public,
            ))
            .await
            .expect("an article");
    }
    let slugs_of = |found: Vec<guichet_types::ArticleSummary>| {
        found.into_iter().map(|a| a.slug).collect::<Vec<_>>()
    };
    // "wifizz" and "zorglub" both match one article, which comes first although older; the
    // list's search (every word) finds only it, and "ma" (too short) is ignored.
    let found = slugs_of(
        claire
            .article_suggestions("Ma WIFIZZ ne marche pas : zorglub ?")
            .await
            .expect("suggestions"),
    );
    assert_eq!(found.len(), 5, "{found:?}");
    assert_eq!(found[0], "kb-sugg-deux");
    assert!(
        !found.contains(&"kb-sugg-brouillon".to_owned()),
        "{found:?}"
    );
    // Among equals, the newest first.
    assert_eq!(found[1], "kb-sugg-5");
    // Anonymous readers get public articles only; drafts are never suggested, not even to
    // the support team.
    let anonymous = slugs_of(
        app.anonymous
            .article_suggestions("zorglub")
            .await
            .expect("suggestions"),
    );
    assert!(
        !anonymous.contains(&"kb-sugg-un".to_owned()),
        "{anonymous:?}"
    );
    let staff = agent
        .article_suggestions("brouillon wifizz")
        .await
        .expect("suggestions");
    assert_eq!(slugs_of(staff.clone()), vec!["kb-sugg-deux"]);
    assert!(staff[0].views.is_some());
    assert!(claire
        .article_suggestions("ab de")
        .await
        .expect("no word long enough")
        .is_empty());
    // The route is not taken for an article's slug, which cannot be `suggestions` either.
    let error = agent
        .create_article(&article(
            "suggestions",
            "Suggestions",
            ArticleVisibility::Public,
        ))
        .await
        .expect_err("a reserved slug");
    assert_eq!(
        fields(error),
        (422, vec![("slug".into(), "invalid".into())])
    );
}

async fn the_preview_renders_as_saving_and_writes_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let before = app.count("SELECT COUNT(*) FROM articles").await;
    let audit_before = app.count("SELECT COUNT(*) FROM audit_events").await;
    let markdown = "# Titre\n\n**gras** <script>alert(1)</script> ![x](https://evil.test/x.png)";
    let preview = agent
        .preview_article(&ArticlePreviewInput {
            body_markdown: markdown.into(),
        })
        .await
        .expect("a preview");
    assert!(
        preview.body_html.contains("<strong>gras</strong>"),
        "{}",
        preview.body_html
    );
    assert!(
        !preview.body_html.contains("<script"),
        "{}",
        preview.body_html
    );
    assert!(
        !preview.body_html.contains("evil.test"),
        "{}",
        preview.body_html
    );
    let saved = agent
        .create_article(&NewArticle {
            body_markdown: markdown.into(),
            ..article("kb-apercu", "Aperçu", ArticleVisibility::Public)
        })
        .await
        .expect("an article");
    assert_eq!(saved.body_html, preview.body_html);
    assert_eq!(app.count("SELECT COUNT(*) FROM articles").await, before + 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events").await,
        audit_before + 1
    );
    assert_eq!(
        status(
            claire
                .preview_article(&ArticlePreviewInput {
                    body_markdown: "x".into()
                })
                .await
        ),
        Some(403)
    );
    assert_eq!(
        status(
            app.anonymous
                .preview_article(&ArticlePreviewInput {
                    body_markdown: "x".into()
                })
                .await
        ),
        Some(401)
    );
    let error = agent
        .preview_article(&ArticlePreviewInput {
            body_markdown: "x".repeat(50_001),
        })
        .await
        .expect_err("too long");
    assert_eq!(
        fields(error),
        (422, vec![("body_markdown".into(), "length".into())])
    );
}
