//! Email addresses: parsed once, normalised, compared case-insensitively.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// RFC 5321 caps a forward path at 254 characters.
pub const MAX_ADDRESS_LEN: usize = 254;

/// A syntactically valid address, trimmed and lower-cased.
///
/// Lower-casing the whole address (not only the domain) is a product rule:
/// one person, one account, whatever case they type (product.md §2).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Why a text is not an address, in words a person can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AddressProblem {
    #[error("Enter an email address.")]
    Empty,
    #[error("An email address can be at most {MAX_ADDRESS_LEN} characters.")]
    TooLong,
    #[error("An email address needs an @ between the name and the domain.")]
    MissingAt,
    #[error("There is nothing before the @.")]
    MissingLocalPart,
    #[error("There is no domain after the @.")]
    MissingDomain,
    #[error("The domain needs a dot, like example.org.")]
    DomainWithoutDot,
    #[error("The part before the @ is too long.")]
    LocalPartTooLong,
    #[error("The domain is not valid.")]
    InvalidDomain,
    #[error("The address contains a character that is not allowed.")]
    InvalidCharacter,
}

impl EmailAddress {
    /// Parses a bare address (no display name); see [`parse_named`] for `Name <a@b.org>`.
    pub fn parse(input: &str) -> Result<Self, AddressProblem> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(AddressProblem::Empty);
        }
        if trimmed.chars().count() > MAX_ADDRESS_LEN {
            return Err(AddressProblem::TooLong);
        }
        let options = email_address::Options::default()
            .with_required_tld()
            .without_domain_literal()
            .without_display_text();
        match email_address::EmailAddress::parse_with_options(trimmed, options) {
            Ok(parsed) => Ok(Self(parsed.email().to_lowercase())),
            Err(e) => Err(problem_from(e, trimmed)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

fn problem_from(error: email_address::Error, input: &str) -> AddressProblem {
    use email_address::Error as E;
    match error {
        E::MissingSeparator => AddressProblem::MissingAt,
        E::LocalPartEmpty => AddressProblem::MissingLocalPart,
        E::LocalPartTooLong => AddressProblem::LocalPartTooLong,
        E::DomainEmpty => AddressProblem::MissingDomain,
        E::DomainTooFew => AddressProblem::DomainWithoutDot,
        E::DomainTooLong
        | E::SubDomainEmpty
        | E::SubDomainTooLong
        | E::DomainInvalidSeparator
        | E::InvalidIPAddress
        | E::UnsupportedDomainLiteral => AddressProblem::InvalidDomain,
        // A second @ is reported by the crate as a bad character; say what a person sees.
        E::InvalidCharacter if input.matches('@').count() == 0 => AddressProblem::MissingAt,
        _ => AddressProblem::InvalidCharacter,
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = AddressProblem;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = AddressProblem;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let a = EmailAddress::parse("  Ada.Lovelace@Example.ORG ").unwrap();
        assert_eq!(a.as_str(), "ada.lovelace@example.org");
        assert_eq!(a, EmailAddress::parse("ADA.LOVELACE@example.org").unwrap());
        assert_eq!(a.domain(), "example.org");
    }

    #[test]
    fn names_the_problem() {
        let cases = [
            ("", AddressProblem::Empty),
            ("   ", AddressProblem::Empty),
            ("ada.example.org", AddressProblem::MissingAt),
            ("@example.org", AddressProblem::MissingLocalPart),
            ("ada@", AddressProblem::MissingDomain),
            ("ada@localhost", AddressProblem::DomainWithoutDot),
            ("ada@@example.org", AddressProblem::InvalidCharacter),
            ("ad a@example.org", AddressProblem::InvalidCharacter),
            ("Ada <ada@example.org>", AddressProblem::InvalidCharacter),
        ];
        for (input, expected) in cases {
            assert_eq!(EmailAddress::parse(input), Err(expected), "input {input:?}");
        }
        let long = format!("{}@example.org", "a".repeat(300));
        assert_eq!(EmailAddress::parse(&long), Err(AddressProblem::TooLong));
    }

    #[test]
    fn serde_refuses_invalid_addresses() {
        let ok: EmailAddress = serde_json::from_str("\"A@B.org\"").unwrap();
        assert_eq!(ok.as_str(), "a@b.org");
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in ".{0,300}") {
            let _ = EmailAddress::parse(&input);
        }

        #[test]
        fn valid_addresses_parse_and_normalise(
            local in "[a-zA-Z0-9]([a-zA-Z0-9._+-]{0,20}[a-zA-Z0-9])?",
            domain in "[a-zA-Z0-9]{1,20}\\.[a-zA-Z]{2,6}",
        ) {
            prop_assume!(!local.contains(".."));
            let text = format!("{local}@{domain}");
            let parsed = EmailAddress::parse(&text).unwrap();
            prop_assert_eq!(parsed.as_str(), text.to_lowercase());
            // Parsing the normal form again is the identity.
            prop_assert_eq!(EmailAddress::parse(parsed.as_str()).unwrap(), parsed);
        }

        #[test]
        fn anything_without_an_at_is_refused(input in "[^@]{1,100}") {
            prop_assert!(EmailAddress::parse(&input).is_err());
        }
    }
}
