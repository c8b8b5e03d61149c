//! `/sitemap.xml`: the public published articles' pages in the SPA, for search engines.
use chrono::{DateTime, Utc};

/// The sitemap (sitemaps.org 0.9) of `pages` (slug, last change) under `base`, the public
/// URL of the install.
pub fn document(base: &str, pages: &[(String, DateTime<Utc>)]) -> String {
    let base = base.trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (slug, updated_at) in pages {
        xml.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escaped(&format!("{base}/help/{slug}")),
            updated_at.format("%Y-%m-%d"),
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `text` with the characters XML gives a meaning written as entities.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_is_listed_with_its_day_and_escaped() {
        let at = DateTime::parse_from_rfc3339("2026-12-08T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let xml = document(
            "https://support.example.test/?a=1&b=2/",
            &[("box".into(), at)],
        );
        assert!(
            xml.contains("<url><loc>https://support.example.test/?a=1&amp;b=2/help/box</loc><lastmod>2026-12-08</lastmod></url>"),
            "{xml}"
        );
        assert!(xml.starts_with("<?xml"));
    }
}
