//! Messages a practice writes once and sends to many: text with placeholders
//! such as `{client_first_name}`, parsed here and rendered here, so the
//! browser's preview and the email that is sent come from one function.
//!
//! Syntax: `{name}` is a placeholder; `{{` and `}}` are a literal brace.
//! Anything else with a brace is refused with its line and column, never
//! sent as it stands: a patient must not receive `{client_frist_name}`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a portal invitation may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Placeholder {
    ClientFirstName,
    ClientLastName,
    PracticeName,
    /// The practice's default doctor (or the practice, when it has none).
    DoctorName,
    InviteLink,
    /// When the link stops working, in the practice's time zone.
    ExpiresAt,
}

impl Placeholder {
    pub const ALL: [Placeholder; 6] = [
        Placeholder::ClientFirstName,
        Placeholder::ClientLastName,
        Placeholder::PracticeName,
        Placeholder::DoctorName,
        Placeholder::InviteLink,
        Placeholder::ExpiresAt,
    ];

    /// The name between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::ClientFirstName => "client_first_name",
            Placeholder::ClientLastName => "client_last_name",
            Placeholder::PracticeName => "practice_name",
            Placeholder::DoctorName => "doctor_name",
            Placeholder::InviteLink => "invite_link",
            Placeholder::ExpiresAt => "expires_at",
        }
    }

    /// How the editor's chip inserts it.
    pub fn token(self) -> String {
        format!("{{{}}}", self.name())
    }

    fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Where in the message: 1-based, counted in characters as people see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a message cannot be sent; the first problem, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TemplateError {
    #[error("The message is empty.")]
    Empty,
    #[error("The message is {chars} characters long; at most {max} fit in an invitation.")]
    TooLong { chars: usize, max: usize },
    #[error("Unknown placeholder {{{name}}} at {at}. Use one of: {known}.")]
    Unknown {
        name: String,
        at: Position,
        /// The placeholders this kind of message may use, as written.
        known: String,
    },
    #[error("The placeholder opened at {at} is not closed with }}.")]
    Unclosed { at: Position },
    #[error("A }} at {at} closes nothing; write }}}} for a literal brace.")]
    StrayClose { at: Position },
    #[error("The message must contain {{{}}}, or the person cannot open the portal.", .0.name())]
    Missing(Placeholder),
}

/// What one kind of message may name, and must.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grammar {
    pub allowed: &'static [Placeholder],
    pub required: &'static [Placeholder],
}

impl Grammar {
    fn known_names(&self) -> String {
        self.allowed
            .iter()
            .map(|p| p.token())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Piece {
    Text(String),
    Value(Placeholder),
}

/// A message that parsed and holds every placeholder it must: only
/// [`Template::parse`] makes one, so a stored or sent one is always valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

/// The values one person's copy is made from.
#[derive(Clone, Copy, Debug)]
pub struct Values<'a> {
    pub client_first_name: &'a str,
    pub client_last_name: &'a str,
    pub practice_name: &'a str,
    pub doctor_name: &'a str,
    pub invite_link: &'a str,
    pub expires_at: &'a str,
}

impl Values<'_> {
    fn of(&self, placeholder: Placeholder) -> &str {
        match placeholder {
            Placeholder::ClientFirstName => self.client_first_name,
            Placeholder::ClientLastName => self.client_last_name,
            Placeholder::PracticeName => self.practice_name,
            Placeholder::DoctorName => self.doctor_name,
            Placeholder::InviteLink => self.invite_link,
            Placeholder::ExpiresAt => self.expires_at,
        }
    }
}

/// Long enough for any letter a practice writes; bounds what one send stores per person.
pub const MAX_MESSAGE_CHARS: usize = 10_000;

impl Template {
    /// Parses `source` by `grammar`: only its placeholders, each required one present.
    pub fn parse(source: &str, grammar: &Grammar) -> Result<Template, TemplateError> {
        if source.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let chars = source.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(TemplateError::TooLong {
                chars,
                max: MAX_MESSAGE_CHARS,
            });
        }
        let pieces = pieces(source, grammar)?;
        if let Some(missing) = grammar
            .required
            .iter()
            .find(|p| !pieces.contains(&Piece::Value(**p)))
        {
            return Err(TemplateError::Missing(*missing));
        }
        Ok(Template {
            source: source.to_owned(),
            pieces,
        })
    }

    /// What the practice wrote, as it wrote it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The plain-text copy for one person.
    pub fn render_text(&self, values: &Values) -> String {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.as_str(),
                Piece::Value(p) => values.of(*p),
            })
            .collect()
    }

    /// The HTML copy for one person: every character of the practice's text
    /// and of each value escaped, lines kept; the invitation link is a link.
    pub fn render_html(&self, values: &Values) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => escape_lines(text, &mut out),
                Piece::Value(Placeholder::InviteLink) => {
                    let link = escape(values.invite_link);
                    out.push_str(&format!("<a href=\"{link}\">{link}</a>"));
                }
                Piece::Value(p) => escape_lines(values.of(*p), &mut out),
            }
        }
        out
    }
}

fn pieces(source: &str, grammar: &Grammar) -> Result<Vec<Piece>, TemplateError> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut at = Position { line: 1, column: 1 };
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        let here = at;
        advance(&mut at, c);
        match c {
            '{' if chars.peek() == Some(&'{') => {
                advance(&mut at, chars.next().unwrap_or('{'));
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                advance(&mut at, chars.next().unwrap_or('}'));
                text.push('}');
            }
            '}' => return Err(TemplateError::StrayClose { at: here }),
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        // A new line or another brace first: this one was never closed.
                        Some('\n' | '{') | None => {
                            return Err(TemplateError::Unclosed { at: here })
                        }
                        Some(c) => {
                            advance(&mut at, c);
                            name.push(c);
                        }
                    }
                }
                advance(&mut at, '}');
                let placeholder = Placeholder::named(&name)
                    .filter(|p| grammar.allowed.contains(p))
                    .ok_or_else(|| TemplateError::Unknown {
                        name,
                        at: here,
                        known: grammar.known_names(),
                    })?;
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Value(placeholder));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

fn advance(at: &mut Position, c: char) {
    if c == '\n' {
        at.line += 1;
        at.column = 1;
    } else {
        at.column += 1;
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn escape_lines(text: &str, out: &mut String) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>\n");
        }
        out.push_str(&escape(line.trim_end_matches('\r')));
    }
}

#[cfg(test)]
mod tests;
