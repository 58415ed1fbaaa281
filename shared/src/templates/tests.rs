use super::*;

const GRAMMAR: Grammar = crate::portal::GRAMMAR;

fn values() -> Values<'static> {
    Values {
        client_first_name: "Ana",
        client_last_name: "<Silva & Co>",
        practice_name: "Harbour Clinic",
        doctor_name: "Dr. Lee",
        invite_link: "https://care.example/portal/invitation?token=a&b=\"c\"",
        expires_at: "7 December 2026, 09:00",
    }
}

fn parse(source: &str) -> Result<Template, TemplateError> {
    Template::parse(source, &GRAMMAR)
}

#[test]
fn every_placeholder_is_replaced_by_its_value_in_text() {
    let source = Placeholder::ALL
        .iter()
        .map(|p| p.token())
        .collect::<Vec<_>>()
        .join("|");
    let text = parse(&source).unwrap().render_text(&values());
    assert_eq!(
        text,
        "Ana|<Silva & Co>|Harbour Clinic|Dr. Lee|https://care.example/portal/invitation?token=a&b=\"c\"|7 December 2026, 09:00"
    );
}

#[test]
fn double_braces_are_literal_braces() {
    let t = parse("Use {{curly}} braces }} here {invite_link}").unwrap();
    assert_eq!(
        t.render_text(&values()),
        format!("Use {{curly}} braces }} here {}", values().invite_link)
    );
}

#[test]
fn html_escapes_the_practices_text_and_every_value_and_keeps_lines() {
    let t =
        parse("Dear {client_first_name} {client_last_name},\n<b>Open</b>: {invite_link}").unwrap();
    let html = t.render_html(&values());
    assert_eq!(
        html,
        "Dear Ana &lt;Silva &amp; Co&gt;,<br>\n&lt;b&gt;Open&lt;/b&gt;: \
         <a href=\"https://care.example/portal/invitation?token=a&amp;b=&quot;c&quot;\">\
         https://care.example/portal/invitation?token=a&amp;b=&quot;c&quot;</a>"
    );
}

#[test]
fn an_unknown_placeholder_is_refused_with_its_line_and_column() {
    let err = parse("Hello,\nDear {unknown}! {invite_link}").unwrap_err();
    assert_eq!(
        err,
        TemplateError::Unknown {
            name: "unknown".into(),
            at: Position { line: 2, column: 6 },
            known: GRAMMAR.known_names(),
        }
    );
    let message = err.to_string();
    assert!(message.contains("{unknown}"), "{message}");
    assert!(message.contains("line 2, column 6"), "{message}");
    assert!(message.contains("{client_first_name}"), "{message}");
}

#[test]
fn a_misspelt_or_spaced_name_is_unknown() {
    for (source, name) in [
        ("{client_frist_name} {invite_link}", "client_frist_name"),
        ("{ client_first_name } {invite_link}", " client_first_name "),
        ("{} {invite_link}", ""),
        ("{Invite_Link}", "Invite_Link"),
    ] {
        match parse(source) {
            Err(TemplateError::Unknown { name: got, at, .. }) => {
                assert_eq!(got, name);
                assert_eq!(at, Position { line: 1, column: 1 });
            }
            other => panic!("{source}: {other:?}"),
        }
    }
}

#[test]
fn an_unclosed_placeholder_is_refused_where_it_opens() {
    assert_eq!(
        parse("Hi {client_first_name, {invite_link}"),
        Err(TemplateError::Unclosed {
            at: Position { line: 1, column: 4 }
        })
    );
    assert_eq!(
        parse("{invite_link}\nHi {client_first_name\nbye"),
        Err(TemplateError::Unclosed {
            at: Position { line: 2, column: 4 }
        })
    );
    assert_eq!(
        parse("{invite_link} {expires_at"),
        Err(TemplateError::Unclosed {
            at: Position {
                line: 1,
                column: 15
            }
        })
    );
}

#[test]
fn a_lone_closing_brace_is_refused() {
    assert_eq!(
        parse("{invite_link} client_first_name}"),
        Err(TemplateError::StrayClose {
            at: Position {
                line: 1,
                column: 32
            }
        })
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_eq!(
        parse("Olá, Zoë — {nope} {invite_link}"),
        Err(TemplateError::Unknown {
            name: "nope".into(),
            at: Position {
                line: 1,
                column: 12
            },
            known: GRAMMAR.known_names(),
        })
    );
}

#[test]
fn the_invitation_link_is_required() {
    let err = parse("Dear {client_first_name}, welcome.").unwrap_err();
    assert_eq!(err, TemplateError::Missing(Placeholder::InviteLink));
    assert!(err.to_string().contains("{invite_link}"));
}

#[test]
fn empty_and_overlong_messages_are_refused() {
    assert_eq!(parse("  \n "), Err(TemplateError::Empty));
    let long = format!("{{invite_link}}{}", "x".repeat(100 * 1024));
    assert_eq!(
        parse(&long),
        Err(TemplateError::TooLong {
            chars: 100 * 1024 + 13,
            max: MAX_MESSAGE_CHARS
        })
    );
    let fits = format!("{{invite_link}}{}", "é".repeat(MAX_MESSAGE_CHARS - 13));
    assert!(parse(&fits).is_ok());
}

#[test]
fn the_source_is_kept_as_written() {
    let source = "Dear {client_first_name},\r\n{{x}} {invite_link}";
    assert_eq!(parse(source).unwrap().source(), source);
}
