//! The audit log page (product.md §9): what it asks for, what it shows, and
//! the CSV it exports — the same rows, with no cell a spreadsheet would run.

use serde::{Deserialize, Serialize};

use crate::ids::AccountId;
use crate::team::Page;

/// A search of one practice's audit events, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// Only what this person did.
    pub person: Option<AccountId>,
    /// Only this kind of event (`member.suspended`, …).
    pub action: Option<String>,
    /// First and last day, `YYYY-MM-DD` in the practice's time zone, both included.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: u32,
}

impl AuditQuery {
    /// The query string of the CSV download for the same search (all pages).
    pub fn to_query_string(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(person) = self.person {
            pairs.push(format!("person={person}"));
        }
        for (key, value) in [
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.push(format!("{key}={}", crate::url::encode(value)));
            }
        }
        pairs.join("&")
    }
}

/// One event as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// In the practice's time zone.
    pub at: String,
    /// Who did it; `None` for the system or an anonymous visitor.
    pub who: Option<String>,
    pub action: String,
    pub target: String,
    /// "role: Practitioner · status: Active"
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub entries: Page<AuditEntry>,
    /// Everyone who appears in this practice's log, for the person filter.
    pub people: Vec<(AccountId, String)>,
    /// Every kind of event in this practice's log, for the action filter.
    pub actions: Vec<String>,
}

/// What *Verify chain* found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainVerdict {
    /// Counts are not shown: the chain is install-wide, and other practices'
    /// activity is none of this practice's business.
    Intact,
    Broken {
        seq: i64,
        reason: String,
    },
}

impl ChainVerdict {
    pub fn sentence(&self) -> String {
        match self {
            ChainVerdict::Intact => {
                "The audit trail is intact: every event checks out, none missing or changed.".into()
            }
            ChainVerdict::Broken { seq, reason } => {
                format!("The audit trail is broken at event {seq}: {reason}. Keep a copy and tell your administrator.")
            }
        }
    }
}

/// A cell a spreadsheet would take for a formula (= + - @, tab, carriage
/// return at the start) gets a leading apostrophe, so it stays text.
pub fn neutralised(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// The CSV export of `entries`, with a header row.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "Event", "When", "Who", "Action", "Target", "Before", "After", "From",
    ];
    // Writing to memory cannot fail; a refused record would be a bug in the row shape.
    writer.write_record(header).expect("header row");
    for e in entries {
        let cells = [
            e.seq.to_string(),
            e.at.clone(),
            e.who.clone().unwrap_or_default(),
            e.action.clone(),
            e.target.clone(),
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
            e.ip.clone().unwrap_or_default(),
        ];
        writer
            .write_record(cells.iter().map(|c| neutralised(c)))
            .expect("event row");
    }
    String::from_utf8(writer.into_inner().expect("in-memory CSV")).expect("UTF-8 in, UTF-8 out")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(who: &str, target: &str) -> AuditEntry {
        AuditEntry {
            seq: 7,
            at: "1 December 2026, 09:00 CET".into(),
            who: Some(who.into()),
            action: "member.suspended".into(),
            target: target.into(),
            before: Some("status: Active".into()),
            after: None,
            ip: Some("10.0.0.1".into()),
        }
    }

    #[test]
    fn formula_cells_stay_text() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralised(cell).starts_with('\''), "{cell:?}");
        }
        assert_eq!(neutralised("Ada"), "Ada");
        let csv = to_csv(&[entry("=cmd|' /C calc'!A0", "a,b")]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("Event,When,Who,Action,Target,Before,After,From")
        );
        assert_eq!(
            lines.next(),
            Some("7,\"1 December 2026, 09:00 CET\",'=cmd|' /C calc'!A0,member.suspended,\"a,b\",status: Active,,10.0.0.1")
        );
    }

    #[test]
    fn the_download_carries_the_search() {
        let query = AuditQuery {
            action: Some("member.suspended".into()),
            from: Some("2026-12-01".into()),
            ..AuditQuery::default()
        };
        assert_eq!(
            query.to_query_string(),
            "action=member.suspended&from=2026-12-01"
        );
    }
}
