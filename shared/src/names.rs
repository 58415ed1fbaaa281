//! Names people type (their own, a practice's, an invitee's) end up in emails
//! sent in Carekeys' name. A name must not carry a link a mail client would
//! make clickable, nor invisible characters that reorder or hide text
//! ("Ada\u{202E}moc.live" shows as "Adaevil.com"): forms refuse both, and
//! emails drop them from names that came from elsewhere (a pasted list).

/// Invisible formatting characters: bidirectional controls, zero-width
/// characters, the byte-order mark, interlinear annotations and tag characters.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

/// The first word of `name` that a mail client would show as a link: a URL,
/// a `www.` address, an email address or a domain name such as `evil.example`.
pub fn link_in(name: &str) -> Option<&str> {
    name.split_whitespace().find(|word| looks_like_link(word))
}

fn looks_like_link(word: &str) -> bool {
    let word = word.trim_matches(|c: char| "\"'()[]<>{},;:!?.".contains(c));
    let lower = word.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return true;
    }
    // `a@b.example` and `b.example/path` both end in a host name.
    let host = lower.rsplit('@').next().unwrap_or_default();
    let host = host.split('/').next().unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    let top = labels.last().copied().unwrap_or_default();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=24).contains(&top.len())
        && top.chars().all(|c| c.is_ascii_alphabetic())
}

/// Why `name` cannot be used, in words for the person typing it.
pub fn problem(name: &str) -> Option<String> {
    if name.chars().any(char::is_control) {
        return Some("Remove the control characters.".into());
    }
    if name.chars().any(is_hidden) {
        return Some(
            "Remove the invisible formatting characters (such as text-direction marks).".into(),
        );
    }
    link_in(name).map(|link| {
        format!("“{link}” looks like a web or email address; names cannot contain links (add a space after a dot).")
    })
}

/// `name` as an email may show it: without control or invisible characters
/// and without words that look like links, spaces collapsed.
pub fn for_mail(name: &str) -> String {
    let visible: String = name
        .chars()
        .filter(|&c| !is_hidden(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    visible
        .split_whitespace()
        .filter(|word| !looks_like_link(word))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_in_their_usual_disguises() {
        for name in [
            "Visit https://evil.example now",
            "Ada www.evil.example",
            "Ada evil.example",
            "Ada (evil.example/login)",
            "Ada ada@evil.example",
            "Ada EVIL.COM.",
            "Ada HTTP://x",
        ] {
            assert!(link_in(name).is_some(), "{name}");
        }
        for name in [
            "Ada Lovelace",
            "Dr. Ada Lovelace",
            "J.R.R. Tolkien",
            "St. Mary's Clinic",
            "Clinic 2.0",
            "Zoë Ørsted-Ångström",
            "O'Brien & Sons",
        ] {
            assert_eq!(link_in(name), None, "{name}");
        }
    }

    #[test]
    fn forms_refuse_what_emails_would_drop() {
        assert!(problem("Ada\u{202E}moc.live")
            .unwrap()
            .contains("invisible"));
        assert!(problem("Ada\u{200B}").unwrap().contains("invisible"));
        assert!(problem("Ada\tLovelace").unwrap().contains("control"));
        assert!(problem("Ada evil.example")
            .unwrap()
            .contains("“evil.example”"));
        assert_eq!(problem("Dr. Ada Lovelace"), None);
    }

    #[test]
    fn emails_show_the_name_without_links_or_hidden_characters() {
        // Without its bidi mark the word is one host name, so nothing is left.
        assert_eq!(for_mail("Ada\u{202E}moc.live"), "");
        assert_eq!(
            for_mail("Ada Lovelace https://evil.example"),
            "Ada Lovelace"
        );
        assert_eq!(for_mail("Ada \u{2066}Lovelace\u{2069}"), "Ada Lovelace");
        assert_eq!(for_mail("Dr.  Ada\nLovelace"), "Dr. Ada Lovelace");
    }
}
