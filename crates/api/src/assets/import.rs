//! Reading an asset import: a CSV file in UTF-8 (a BOM is allowed), `;` or `,` separated,
//! with the header row `name;reference;kind;location`. Every bad row and column is named at
//! once (`lines.<n>.<column>`, `n` counting the file's lines from 1, the header's), so that
//! the file is fixed in one pass and imported whole.
use guichet_types::{FieldError, NewAsset, ASSET_IMPORT_COLUMNS, ASSET_IMPORT_MAX_ROWS};
use validator::Validate;

/// The assets of a CSV file, or every problem it has.
pub fn parse(bytes: &[u8]) -> Result<Vec<NewAsset>, Vec<FieldError>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![FieldError::new(
            "file",
            "not_utf8",
            "the file must be UTF-8 text (save it as \"CSV UTF-8\")",
        )]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or_default();
    let separator = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let columns: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_lowercase).collect())
        .unwrap_or_default();
    if columns != ASSET_IMPORT_COLUMNS {
        return Err(vec![FieldError::new(
            "lines.1",
            "header",
            format!(
                "the first line must be the header {}",
                ASSET_IMPORT_COLUMNS.join(";")
            ),
        )]);
    }

    let mut assets = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                errors.push(FieldError::new(
                    format!("lines.{line}"),
                    "unreadable",
                    "this line is not valid CSV",
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != ASSET_IMPORT_COLUMNS.len() {
            errors.push(FieldError::new(
                format!("lines.{line}"),
                "columns",
                format!(
                    "expected {} columns, found {}",
                    ASSET_IMPORT_COLUMNS.len(),
                    record.len()
                ),
            ));
            continue;
        }
        let column = |i: usize| record.get(i).unwrap_or_default().to_owned();
        let asset = NewAsset {
            name: column(0),
            reference: Some(column(1)),
            kind: Some(column(2)),
            location: Some(column(3)),
            ..Default::default()
        };
        if let Err(invalid) = asset.validate() {
            for (member, problems) in invalid.field_errors() {
                for problem in problems {
                    errors.push(FieldError::new(
                        format!("lines.{line}.{member}"),
                        problem.code.to_string(),
                        problem
                            .message
                            .as_ref()
                            .map_or_else(|| problem.code.to_string(), ToString::to_string),
                    ));
                }
            }
        }
        assets.push(asset);
    }
    if assets.len() > ASSET_IMPORT_MAX_ROWS {
        errors.push(FieldError::new(
            "file",
            "too_many_rows",
            format!("at most {ASSET_IMPORT_MAX_ROWS} assets per import"),
        ));
    }
    if assets.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "file",
            "empty",
            "the file has no asset under its header",
        ));
    }
    if errors.is_empty() {
        Ok(assets)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<Vec<NewAsset>, Vec<FieldError>>) -> Vec<(String, String)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn reads_semicolons_commas_quotes_and_a_bom() {
        let french = "\u{feff}name;reference;kind;location\n\
                      Poste accueil;PC-01;PC;Rez-de-chaussée\n\
                      \"Copieur; couleur\";COP-02;;\n";
        let assets = parse(french.as_bytes()).expect("valid");
        assert_eq!(assets.len(), 2);
        assert_eq!(assets[0].location.as_deref(), Some("Rez-de-chaussée"));
        assert_eq!(assets[1].name, "Copieur; couleur");
        let english = "Name,Reference,Kind,Location\r\nRouter,RT-1,network,Basement\r\n";
        assert_eq!(
            parse(english.as_bytes()).expect("valid")[0].kind.as_deref(),
            Some("network")
        );
    }

    #[test]
    fn names_every_bad_line_and_column() {
        let long = "x".repeat(101);
        let file = format!(
            "name;reference;kind;location\n\
             ;PC-01;;\n\
             Poste;{long};;\n\
             ok;;;\n\
             trop;de;colonnes;ici;encore\n"
        );
        assert_eq!(
            fields(parse(file.as_bytes())),
            [
                ("lines.2.name".to_owned(), "length".to_owned()),
                ("lines.3.reference".to_owned(), "length".to_owned()),
                ("lines.5".to_owned(), "columns".to_owned()),
            ]
        );
    }

    #[test]
    fn refuses_a_wrong_header_other_encodings_and_empty_files() {
        assert_eq!(
            fields(parse(b"nom;ref\nPoste;PC\n")),
            [("lines.1".to_owned(), "header".to_owned())]
        );
        assert_eq!(
            fields(parse(b"name;reference;kind;location\nPoste \xe9;PC;;\n")),
            [("file".to_owned(), "not_utf8".to_owned())]
        );
        assert_eq!(
            fields(parse(b"name;reference;kind;location\n")),
            [("file".to_owned(), "empty".to_owned())]
        );
    }
}
