//! A client's answers to one form: one text per field, read by the field's
//! kind. Drafts keep whatever is well formed so far; a submission also needs
//! every required field.

use serde::{Deserialize, Serialize};

use super::{field_key, FieldKind, FormDefinition};
use crate::clients::Date;
use crate::validation::FieldErrors;

pub const SHORT_TEXT_MAX: usize = 200;
pub const LONG_TEXT_MAX: usize = 5_000;
/// A drawn signature is a few tens of KB; this bounds what one may store.
pub const SIGNATURE_MAX_BYTES: usize = 500 * 1024;

const PNG_DATA_URL: &str = "data:image/png;base64,";
/// The PNG signature (89 50 4E 47 0D 0A 1A 0A) as base64 begins.
const PNG_BASE64_MAGIC: &str = "iVBORw0KGgo";

/// One answer per field, in the form's order; an empty text is unanswered.
/// Yes/no is `yes` or `no`; a date is `YYYY-MM-DD`; a signature is a PNG
/// `data:` URL, as a canvas gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub Vec<String>);

/// Whether the client is keeping a draft or handing the form in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Completion {
    Draft,
    Submit,
}

impl Answers {
    /// Unanswered, one empty text per field of `form`.
    pub fn empty(form: &FormDefinition) -> Answers {
        Answers(vec![String::new(); form.fields.len()])
    }

    /// The rules of `form`, each problem on its field (`field-3`).
    pub fn check(&self, form: &FormDefinition, completion: Completion) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.0.len() != form.fields.len() {
            errors.add(
                "form",
                "These answers do not match the form: reload the page.",
            );
            return Err(errors);
        }
        for (index, (field, answer)) in form.fields.iter().zip(&self.0).enumerate() {
            let key = field_key(index);
            if answer.is_empty() {
                if field.required && completion == Completion::Submit {
                    errors.add(&key, format!("Answer \"{}\": it is required.", field.label));
                }
                continue;
            }
            if let Some(problem) = problem(&field.kind, answer) {
                errors.add(&key, problem);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn problem(kind: &FieldKind, answer: &str) -> Option<String> {
    let too_long = |max: usize| {
        (answer.chars().count() > max).then(|| format!("Use at most {max} characters."))
    };
    match kind {
        FieldKind::ShortText => too_long(SHORT_TEXT_MAX),
        FieldKind::LongText => too_long(LONG_TEXT_MAX),
        FieldKind::SingleChoice(options) => {
            (!options.iter().any(|o| o == answer)).then(|| "Choose one of the options.".to_owned())
        }
        FieldKind::YesNo => {
            (answer != "yes" && answer != "no").then(|| "Choose yes or no.".to_owned())
        }
        FieldKind::Date => Date::parse(answer)
            .is_none()
            .then(|| "Enter a date such as 2026-03-21.".to_owned()),
        FieldKind::Signature => signature_problem(answer),
    }
}

/// A signature must be a PNG, as the canvas makes it, of at most 500 KB.
pub(super) fn signature_problem(answer: &str) -> Option<String> {
    let Some(body) = answer.strip_prefix(PNG_DATA_URL) else {
        return Some("Sign in the box: the signature is not a drawn image.".into());
    };
    let base64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let data = body.trim_end_matches('=');
    if !body.starts_with(PNG_BASE64_MAGIC)
        || !data.bytes().all(base64)
        || body.len() - data.len() > 2
        || !body.len().is_multiple_of(4)
    {
        return Some("Sign in the box: the signature is not a drawn image.".into());
    }
    let bytes = data.len() * 3 / 4;
    (bytes > SIGNATURE_MAX_BYTES).then(|| {
        format!(
            "The signature image is {} KB; at most {} KB is kept. Clear it and sign again.",
            bytes.div_ceil(1024),
            SIGNATURE_MAX_BYTES / 1024
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::Field;

    fn form() -> FormDefinition {
        let field = |label: &str, kind, required| Field {
            label: label.into(),
            kind,
            required,
        };
        FormDefinition {
            title: "Intake".into(),
            fields: vec![
                field("Name", FieldKind::ShortText, true),
                field("Notes", FieldKind::LongText, false),
                field(
                    "Smoker",
                    FieldKind::SingleChoice(vec!["Never".into(), "Former".into()]),
                    false,
                ),
                field("Pregnant", FieldKind::YesNo, false),
                field("Last visit", FieldKind::Date, false),
                field("Signature", FieldKind::Signature, true),
            ],
            cosign: false,
        }
    }

    fn png(bytes: usize) -> String {
        // Base64 of the PNG signature, then filler to `bytes` decoded bytes.
        let mut body = String::from("iVBORw0KGgo");
        body.push('A');
        while body.len() * 3 / 4 < bytes {
            body.push_str("AAAA");
        }
        format!("{PNG_DATA_URL}{body}")
    }

    fn answers(values: [&str; 6]) -> Answers {
        Answers(values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn a_draft_may_leave_required_fields_empty_a_submission_may_not() {
        let half = answers(["Ana", "", "", "", "", ""]);
        assert_eq!(half.check(&form(), Completion::Draft), Ok(()));
        let errors = half.check(&form(), Completion::Submit).unwrap_err();
        assert_eq!(
            errors.get("field-5"),
            Some("Answer \"Signature\": it is required.")
        );
        assert_eq!(errors.get("field-1"), None);
        let full = answers(["Ana", "", "Never", "no", "2026-01-05", &png(2_000)]);
        assert_eq!(full.check(&form(), Completion::Submit), Ok(()));
    }

    #[test]
    fn each_kind_refuses_what_it_cannot_hold() {
        let bad = answers([
            &"x".repeat(SHORT_TEXT_MAX + 1),
            "",
            "Sometimes",
            "maybe",
            "2026-02-30",
            "<svg onload=alert(1)>",
        ]);
        let errors = bad.check(&form(), Completion::Draft).unwrap_err();
        assert!(errors.get("field-0").unwrap().contains("200"));
        assert_eq!(errors.get("field-2"), Some("Choose one of the options."));
        assert_eq!(errors.get("field-3"), Some("Choose yes or no."));
        assert!(errors.get("field-4").unwrap().contains("date"));
        assert!(errors.get("field-5").unwrap().contains("not a drawn image"));
        let short = Answers(vec![String::new(); 2]);
        assert!(short
            .check(&form(), Completion::Draft)
            .unwrap_err()
            .get("form")
            .is_some());
    }

    #[test]
    fn a_signature_is_a_png_of_at_most_500_kb() {
        let check = |s: &str| signature_problem(s);
        assert_eq!(check(&png(SIGNATURE_MAX_BYTES - 3)), None);
        let big = check(&png(SIGNATURE_MAX_BYTES + 10)).unwrap();
        assert!(big.contains("at most 500 KB"), "{big}");
        assert!(check("data:image/jpeg;base64,/9j/4AAQ").is_some());
        assert!(
            check("data:image/png;base64,R0lGODlh").is_some(),
            "a GIF named png"
        );
        assert!(check("data:image/png;base64,iVBORw0KGgo\"><script>").is_some());
    }
}
