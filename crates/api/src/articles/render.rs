//! Markdown to safe HTML, for articles and the provider's pages: CommonMark rendered by
//! pulldown-cmark, then cleaned by ammonia's allow-list. Rendered once, when written.
//!
//! Two layers, so that a gap in one is caught by the other: before rendering, raw HTML in the
//! Markdown becomes text (shown, never run) and images other than Guichet's own article images
//! become their alt text; after rendering, ammonia keeps only the tags and attributes listed
//! here, links to http, https, mailto and relative addresses (with `rel="noopener noreferrer
//! nofollow"`), and image sources that are article images.
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use guichet_types::is_valid_slug;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The longest excerpt of a list, in characters.
const EXCERPT_MAX_CHARS: usize = 200;

const TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    attributes.insert("a", HashSet::from(["href", "title"]));
    attributes.insert("img", HashSet::from(["src", "alt", "title"]));
    attributes.insert("ol", HashSet::from(["start"]));
    let mut builder = Builder::empty();
    builder
        .tags(TAGS.iter().copied().collect())
        .tag_attributes(attributes)
        .clean_content_tags(HashSet::from(["script", "style"]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !is_article_image(value) {
                None
            } else {
                Some(value.into())
            }
        });
    builder
});

/// What a written Markdown text becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML, safe to put into a page as it is.
    pub html: String,
    /// The text alone (for search and excerpts), words separated by spaces.
    pub text: String,
}

impl Rendered {
    /// The start of the text, cut at a word, for lists.
    pub fn excerpt(&self) -> String {
        excerpt(&self.text)
    }
}

/// Renders `markdown` (CommonMark, with tables and strikethrough) into sanitised HTML.
pub fn render(markdown: &str) -> Rendered {
    let events = guarded(Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ));
    let mut text = String::new();
    for event in &events {
        if let Event::Text(words) | Event::Code(words) = event {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(words);
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered {
        html: SANITISER.clean(&html).to_string(),
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// The events with raw HTML turned into text, and foreign images into their alt text.
fn guarded<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    // Inside a dropped image: its alt text is kept, its end is dropped.
    let mut dropped_images = 0usize;
    for event in parser {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Image { ref dest_url, .. }) if !is_article_image(dest_url) => {
                dropped_images += 1;
            }
            Event::End(TagEnd::Image) if dropped_images > 0 => dropped_images -= 1,
            other => events.push(other),
        }
    }
    events
}

/// Whether `src` is the path of an article image: `/api/v1/articles/{slug}/images/{id}`.
pub fn is_article_image(src: &str) -> bool {
    let Some(rest) = src.strip_prefix("/api/v1/articles/") else {
        return false;
    };
    let mut parts = rest.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(slug), Some("images"), Some(id), None) => {
            is_valid_slug(slug) && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_MAX_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(EXCERPT_MAX_CHARS).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > EXCERPT_MAX_CHARS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile inputs: script tags, event attributes, javascript:/data: links and images,
    /// SVG, iframes, styles, raw HTML in Markdown, nested encodings.
    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "![x](https://evil.test/pixel.png)",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        "![x](/api/v1/articles/box/images/1\" onerror=\"alert(1))",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](jav&#x61;script:alert(1))",
        "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
        "[click](java%73cript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click]( javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)><circle/></svg>",
        "<iframe src=\"https://evil.test\"></iframe>",
        "<style>body{display:none}</style>",
        "<p style=\"position:fixed\">x</p>",
        "<div onclick=\"alert(1)\">x</div>",
        "<object data=x></object><embed src=x>",
        "<form action=https://evil.test><input name=p></form>",
        "<meta http-equiv=refresh content=0;url=https://evil.test>",
        "<base href=https://evil.test/>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<scr<script>ipt>alert(1)</script>",
        "[x](https://ok.test \"t\" onmouseover=\"alert(1)\")",
        "<img src=\"/api/v1/articles/box/images/1\" onerror=alert(1)>",
        "`<script>alert(1)</script>`",
        "<!-- <script>alert(1)</script> -->",
        "[<img src=x onerror=alert(1)>](https://ok.test)",
        "> <script>alert(1)</script>\n> ![x](http://evil.test/x.gif)",
        "| a |\n|---|\n| <iframe src=x> |",
    ];

    /// The tags of `html` (text holds no `<`: it is escaped), each as its name and its
    /// attributes.
    fn tags(html: &str) -> Vec<(String, String)> {
        html.split('<')
            .skip(1)
            .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
            .map(|tag| {
                let tag = tag.trim_start_matches('/');
                let (name, attributes) = tag.split_once(' ').unwrap_or((tag, ""));
                (name.to_lowercase(), attributes.to_lowercase())
            })
            .collect()
    }

    /// What every rendered text must be: only listed tags, no event attribute or style,
    /// links to allowed schemes only, images only Guichet's own.
    fn assert_harmless(input: &str, html: &str) {
        for (name, attributes) in tags(html) {
            assert!(
                TAGS.contains(&name.as_str()),
                "{input:?}: <{name}> in {html:?}"
            );
            assert!(
                !attributes.contains(" on") && !attributes.starts_with("on"),
                "{input:?}: event attribute in {html:?}"
            );
            assert!(
                !attributes.contains("style="),
                "{input:?}: style in {html:?}"
            );
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !attributes.contains(scheme),
                    "{input:?}: {scheme} in {html:?}"
                );
            }
            if name == "img" {
                let src = attributes
                    .split("src=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or_default();
                assert!(
                    is_article_image(src),
                    "{input:?}: image {src:?} in {html:?}"
                );
            }
            if name == "a" && attributes.contains("href=") {
                assert!(
                    attributes.contains("rel=\"noopener noreferrer nofollow\""),
                    "{input:?}: link without rel in {html:?}"
                );
            }
        }
    }

    #[test]
    fn hostile_markdown_and_html_render_harmless() {
        for input in HOSTILE {
            assert_harmless(input, &render(input).html);
        }
        // The raw HTML is shown as text, never as a tag.
        let shown = render("<script>alert(1)</script>").html;
        assert!(shown.contains("&lt;script&gt;"), "{shown}");
    }

    #[test]
    fn markdown_renders_with_safe_links_and_own_images() {
        let rendered = render(
            "# Box\n\nVoir [la doc](https://example.test/doc) ou [l'aide](/help/box) \
             ou [écrire](mailto:support@example.test).\n\n\
             ![schéma](/api/v1/articles/box/images/12)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~ancien~~",
        );
        let html = &rendered.html;
        assert!(html.contains("<h1>Box</h1>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://example.test/doc\" rel=\"noopener noreferrer nofollow\">la doc</a>"
            ),
            "{html}"
        );
        assert!(html.contains("href=\"/help/box\""), "{html}");
        assert!(
            html.contains("href=\"mailto:support@example.test\""),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"/api/v1/articles/box/images/12\" alt=\"schéma\">"),
            "{html}"
        );
        assert!(
            html.contains("<table>") && html.contains("<del>ancien</del>"),
            "{html}"
        );
        assert!(
            rendered.text.starts_with("Box Voir la doc"),
            "{}",
            rendered.text
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("Tapez <b>Entrée</b> puis <kbd>F5</kbd>.").html;
        assert!(html.contains("&lt;b&gt;Entrée&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn a_foreign_image_leaves_its_alt_text() {
        let html = render("Avant ![le schéma](https://evil.test/a.png) après").html;
        assert_eq!(html.trim(), "<p>Avant le schéma après</p>");
    }

    #[test]
    fn only_article_image_paths_are_images() {
        assert!(is_article_image("/api/v1/articles/box/images/3"));
        for other in [
            "/api/v1/articles/box/images/",
            "/api/v1/articles/Box/images/3",
            "/api/v1/articles/box/images/3/x",
            "/api/v1/attachments/3",
            "//evil.test/api/v1/articles/box/images/3",
            "https://evil.test/api/v1/articles/box/images/3",
            "/api/v1/articles/../images/3",
        ] {
            assert!(!is_article_image(other), "{other}");
        }
    }

    #[test]
    fn excerpts_are_cut_at_a_word() {
        let long = "mot ".repeat(100);
        let excerpt = excerpt(long.trim());
        assert!(excerpt.ends_with("mot…"), "{excerpt}");
        assert!(excerpt.chars().count() <= EXCERPT_MAX_CHARS + 1);
        assert_eq!(super::excerpt("court"), "court");
    }
}
