//! Lists of addresses as people paste them: separated by commas, semicolons,
//! spaces or new lines in any mix, bare or as `Name <addr@x.org>`. Every
//! entry is reported once — valid, invalid (why) or a duplicate — so nothing
//! valid is lost because something else was wrong.

use crate::email::{AddressProblem, EmailAddress};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// More than this many entries in one list is refused as a whole.
pub const MAX_ENTRIES: usize = 50_000;

/// What one entry of a list turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Parsed {
    Valid {
        address: EmailAddress,
        name: Option<String>,
    },
    Invalid(Rejection),
    /// The same address (in any case) appeared earlier in the list.
    Duplicate(EmailAddress),
}

/// Why an entry is not an address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Rejection {
    #[error("{0}")]
    Address(AddressProblem),
    /// Spreadsheet formulas are kept as text, never read as an address.
    #[error("This is a spreadsheet formula, not an address.")]
    Formula,
}

/// One entry, as typed, with the line it was on (1-based).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub line: usize,
    pub text: String,
    pub parsed: Parsed,
}

/// Counts for the form's live summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub valid: usize,
    pub invalid: usize,
    pub duplicates: usize,
}

pub fn tally(entries: &[Entry]) -> Tally {
    entries.iter().fold(Tally::default(), |mut t, e| {
        match e.parsed {
            Parsed::Valid { .. } => t.valid += 1,
            Parsed::Invalid(_) => t.invalid += 1,
            Parsed::Duplicate(_) => t.duplicates += 1,
        }
        t
    })
}

/// Turns candidate entries into a report, marking repeats as duplicates.
pub struct Collector {
    seen: HashSet<EmailAddress>,
    entries: Vec<Entry>,
}

impl Default for Collector {
    fn default() -> Self {
        Self::new()
    }
}

impl Collector {
    pub fn new() -> Self {
        Self {
            seen: HashSet::new(),
            entries: Vec::new(),
        }
    }

    /// Adds `text` (a bare address or `Name <address>`) found on `line`.
    pub fn push(&mut self, line: usize, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let parsed = match parse_one(text) {
            Ok((address, name)) => {
                if self.seen.insert(address.clone()) {
                    Parsed::Valid { address, name }
                } else {
                    Parsed::Duplicate(address)
                }
            }
            Err(rejection) => Parsed::Invalid(rejection),
        };
        self.entries.push(Entry {
            line,
            text: text.to_owned(),
            parsed,
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn finish(self) -> Vec<Entry> {
        self.entries
    }
}

/// Whether a cell or word is a formula a spreadsheet would evaluate.
pub fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@'])
}

/// One bare address or `Name <address>`; a quoted name may hold commas.
fn parse_one(text: &str) -> Result<(EmailAddress, Option<String>), Rejection> {
    if is_formula(text) {
        return Err(Rejection::Formula);
    }
    if let (Some(open), true) = (text.rfind('<'), text.ends_with('>')) {
        let name = text[..open].trim().trim_matches('"').trim();
        let address =
            EmailAddress::parse(&text[open + 1..text.len() - 1]).map_err(Rejection::Address)?;
        return Ok((address, (!name.is_empty()).then(|| name.to_owned())));
    }
    EmailAddress::parse(text)
        .map(|a| (a, None))
        .map_err(Rejection::Address)
}

/// Why a whole list was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ListError {
    #[error("Paste or type at least one address.")]
    Empty,
    #[error("That is more than {MAX_ENTRIES} addresses. Split the list and invite in parts.")]
    TooMany,
}

/// Parses a typed or pasted list.
pub fn parse_list(text: &str) -> Result<Vec<Entry>, ListError> {
    let mut collector = Collector::new();
    for (index, line) in text.lines().enumerate() {
        for entry in split_line(line) {
            collector.push(index + 1, entry);
            if collector.len() > MAX_ENTRIES {
                return Err(ListError::TooMany);
            }
        }
    }
    if collector.is_empty() {
        return Err(ListError::Empty);
    }
    Ok(collector.finish())
}

/// Splits one line into entries. Commas, semicolons and white space separate
/// entries, except inside quotes or angle brackets; words just before an
/// `<address>` are its name.
fn split_line(line: &str) -> Vec<&str> {
    let mut entries = Vec::new();
    // Word boundaries outside quotes and brackets, with whether a hard separator (, ;) ended them.
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let (mut in_quotes, mut in_angle, mut start) = (false, false, None::<usize>);
    for (i, c) in line.char_indices() {
        match c {
            '"' if !in_angle => in_quotes = !in_quotes,
            '<' if !in_quotes => in_angle = true,
            '>' if !in_quotes => in_angle = false,
            _ => {}
        }
        let separator = !in_quotes && !in_angle && (c == ',' || c == ';' || c.is_whitespace());
        match (separator, start) {
            (true, Some(s)) => {
                words.push((s, i, c == ',' || c == ';'));
                start = None;
            }
            (true, None) => {
                if let (true, Some(last)) = (c == ',' || c == ';', words.last_mut()) {
                    last.2 = true;
                }
            }
            (false, None) => start = Some(i),
            (false, Some(_)) => {}
        }
    }
    if let Some(s) = start {
        words.push((s, line.len(), true));
    }
    // Group: a run of name words followed by a word holding `<…>` is one entry.
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for (s, e, hard) in words {
        let word = &line[s..e];
        if word.contains('<') {
            // Words before the bracket that look like addresses stand alone.
            let split = pending
                .iter()
                .rposition(|(ps, pe)| line[*ps..*pe].contains('@'));
            let name_from = split.map_or(0, |k| k + 1);
            entries.extend(pending[..name_from].iter().map(|(ps, pe)| &line[*ps..*pe]));
            let begin = pending.get(name_from).map_or(s, |(ps, _)| *ps);
            entries.push(&line[begin..e]);
            pending.clear();
        } else {
            pending.push((s, e));
            if hard {
                entries.extend(pending.drain(..).map(|(ps, pe)| &line[ps..pe]));
            }
        }
    }
    entries.extend(pending.into_iter().map(|(ps, pe)| &line[ps..pe]));
    entries
}

/// The valid addresses of a report, in order (for tests of both parsers).
#[cfg(test)]
pub(crate) fn valid(entries: &[Entry]) -> Vec<&str> {
    entries
        .iter()
        .filter_map(|e| match &e.parsed {
            Parsed::Valid { address, .. } => Some(address.as_str()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn any_mix_of_separators() {
        let entries =
            parse_list("a@x.org, b@x.org;c@x.org d@x.org\ne@x.org\r\n\tf@x.org;;,g@x.org").unwrap();
        assert_eq!(
            valid(&entries),
            ["a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org", "f@x.org", "g@x.org"]
        );
        assert_eq!(entries[4].line, 2);
        assert_eq!(entries[5].line, 3);
    }

    #[test]
    fn named_addresses_keep_their_names() {
        let entries =
            parse_list("Ada Lovelace <ada@x.org>, \"Hopper, Grace\" <grace@x.org>; bob@x.org Carl <carl@x.org>").unwrap();
        let names: Vec<_> = entries
            .iter()
            .map(|e| match &e.parsed {
                Parsed::Valid { address, name } => (address.as_str(), name.as_deref()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            names,
            [
                ("ada@x.org", Some("Ada Lovelace")),
                ("grace@x.org", Some("Hopper, Grace")),
                ("bob@x.org", None),
                ("carl@x.org", Some("Carl")),
            ]
        );
    }

    #[test]
    fn each_entry_is_reported_once_with_its_fate() {
        let entries = parse_list("a@x.org, nope, A@X.org, =HYPERLINK(\"mailto:z@x.org\")").unwrap();
        assert_eq!(entries.len(), 4);
        assert!(matches!(
            entries[1].parsed,
            Parsed::Invalid(Rejection::Address(AddressProblem::MissingAt))
        ));
        assert_eq!(
            entries[2].parsed,
            Parsed::Duplicate(EmailAddress::parse("a@x.org").unwrap())
        );
        assert_eq!(entries[3].parsed, Parsed::Invalid(Rejection::Formula));
        assert_eq!(
            tally(&entries),
            Tally {
                valid: 1,
                invalid: 2,
                duplicates: 1
            }
        );
    }

    #[test]
    fn overlong_addresses_are_refused_by_name() {
        let long = format!("{}@example.org", "a".repeat(300));
        let entries = parse_list(&format!("ok@x.org {long}")).unwrap();
        assert_eq!(
            entries[1].parsed,
            Parsed::Invalid(Rejection::Address(AddressProblem::TooLong))
        );
        assert_eq!(valid(&entries), ["ok@x.org"]);
    }

    #[test]
    fn empty_and_oversized_lists_are_refused() {
        assert_eq!(parse_list(" ,; \n "), Err(ListError::Empty));
        let many = (0..=MAX_ENTRIES)
            .map(|i| format!("p{i}@x.org"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(parse_list(&many), Err(ListError::TooMany));
    }

    proptest! {
        #[test]
        fn never_panics_and_reports_every_address(
            locals in proptest::collection::vec("[a-z][a-z0-9]{0,8}", 1..30),
            seps in proptest::collection::vec(prop_oneof![Just(", "), Just(";"), Just(" "), Just("\n"), Just(" ;\n ")], 30),
        ) {
            let text: String = locals.iter().zip(seps.iter().cycle())
                .map(|(l, s)| format!("{l}@example.org{s}")).collect();
            let entries = parse_list(&text).unwrap();
            let unique: HashSet<_> = locals.iter().collect();
            let t = tally(&entries);
            prop_assert_eq!(t.valid, unique.len());
            prop_assert_eq!(t.duplicates, locals.len() - unique.len());
            prop_assert_eq!(t.invalid, 0);
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,500}") {
            let _ = parse_list(&text);
        }
    }
}
