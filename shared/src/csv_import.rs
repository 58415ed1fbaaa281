//! Address lists from CSV files: header optional; comma, semicolon or tab;
//! UTF-8 with or without a BOM; quoted fields. The columns that hold
//! addresses are found by looking at what the cells contain.

use crate::addresses::{Collector, Entry};
use crate::email::EmailAddress;
use serde::{Deserialize, Serialize};

pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ROWS: usize = 50_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CsvError {
    #[error("The file is larger than 5 MB. Split it into smaller files.")]
    TooLarge,
    #[error("The file has more than {MAX_ROWS} rows. Split it into smaller files.")]
    TooManyRows,
    #[error("This is not a text file. Save the spreadsheet as CSV (UTF-8) and try again.")]
    Binary,
    #[error("The file is not UTF-8 text. Save it as CSV (UTF-8) and try again.")]
    NotUtf8,
    #[error("The file is empty.")]
    Empty,
    #[error("Line {line} cannot be read: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("No column of this file holds email addresses.")]
    NoAddressColumn,
}

/// Checks and decodes the bytes of a file.
pub fn decode(bytes: &[u8]) -> Result<&str, CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge);
    }
    // A NUL byte never occurs in CSV text; it does in images, PDFs and spreadsheets.
    if bytes.contains(&0) {
        return Err(CsvError::Binary);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The most frequent of `,` `;` and tab in the first line decides.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .filter(|d| first.bytes().any(|b| b == *d))
        .unwrap_or(b',')
}

/// Reads a CSV file's text into address entries, with line numbers.
pub fn parse(text: &str) -> Result<Vec<Entry>, CsvError> {
    if text.len() > MAX_BYTES {
        return Err(CsvError::TooLarge);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError::Malformed {
            line: e.position().map_or(0, |p| p.line() as usize),
            reason: e.to_string(),
        })?;
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        rows.push((line, record.iter().map(str::to_owned).collect()));
        if rows.len() > MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
    }
    if rows.is_empty() {
        return Err(CsvError::Empty);
    }
    let columns = address_columns(&rows);
    if columns.is_empty() {
        return Err(CsvError::NoAddressColumn);
    }
    // A first row with no address in those columns is a header.
    let has_header = !columns.iter().any(|c| holds_address(rows[0].1.get(*c)));
    let mut collector = Collector::new();
    for (line, cells) in rows.iter().skip(usize::from(has_header)) {
        for column in &columns {
            if let Some(cell) = cells.get(*column) {
                collector.push(*line, cell);
            }
        }
    }
    Ok(collector.finish())
}

fn holds_address(cell: Option<&String>) -> bool {
    cell.is_some_and(|c| {
        let c = c.trim();
        let bare = c
            .rfind('<')
            .filter(|_| c.ends_with('>'))
            .map_or(c, |open| &c[open + 1..c.len() - 1]);
        EmailAddress::parse(bare).is_ok()
    })
}

/// Columns where at least half of the non-empty cells are addresses.
fn address_columns(rows: &[(usize, Vec<String>)]) -> Vec<usize> {
    let width = rows.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
    (0..width)
        .filter(|&column| {
            let cells: Vec<&String> = rows
                .iter()
                .filter_map(|(_, c)| c.get(column))
                .filter(|c| !c.trim().is_empty())
                .collect();
            let addresses = cells.iter().filter(|c| holds_address(Some(c))).count();
            addresses > 0 && addresses * 2 >= cells.len().saturating_sub(1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addresses::{tally, valid as addresses, Parsed, Rejection};

    #[test]
    fn header_bom_semicolons_and_quotes() {
        let file =
            "\u{feff}Name;Email;Phone\n\"Lovelace; Ada\";ada@x.org;123\nGrace;grace@x.org;456\n";
        let entries = parse(decode(file.as_bytes()).unwrap()).unwrap();
        assert_eq!(addresses(&entries), ["ada@x.org", "grace@x.org"]);
        assert_eq!(entries[0].line, 2);
    }

    #[test]
    fn no_header_tabs_and_several_address_columns() {
        let file = "ada@x.org\tbob@x.org\nnot an address\tcarl@x.org\n";
        let entries = parse(file).unwrap();
        assert_eq!(
            addresses(&entries),
            ["ada@x.org", "bob@x.org", "carl@x.org"]
        );
        assert_eq!(tally(&entries).invalid, 1);
    }

    #[test]
    fn comma_files_with_named_cells_and_duplicates() {
        let file = "email\nAda <ada@x.org>\nADA@x.org\n";
        let entries = parse(file).unwrap();
        assert_eq!(addresses(&entries), ["ada@x.org"]);
        assert!(matches!(entries[1].parsed, Parsed::Duplicate(_)));
    }

    #[test]
    fn formulas_are_text_never_addresses() {
        let file = "email\nada@x.org\n\"=HYPERLINK(\"\"mailto:evil@x.org\"\",\"\"click\"\")\"\n";
        let entries = parse(file).unwrap();
        assert_eq!(addresses(&entries), ["ada@x.org"]);
        assert_eq!(entries[1].parsed, Parsed::Invalid(Rejection::Formula));
    }

    #[test]
    fn refuses_what_is_not_a_usable_csv() {
        assert_eq!(decode(&vec![b'a'; MAX_BYTES + 1]), Err(CsvError::TooLarge));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(CsvError::Binary)
        );
        assert_eq!(decode(b"caf\xe9@x.org"), Err(CsvError::NotUtf8));
        assert_eq!(parse(""), Err(CsvError::Empty));
        assert_eq!(
            parse("name,phone\nAda,123\n"),
            Err(CsvError::NoAddressColumn)
        );
        let rows = (0..=MAX_ROWS)
            .map(|i| format!("p{i}@x.org"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(parse(&rows), Err(CsvError::TooManyRows));
    }
}
