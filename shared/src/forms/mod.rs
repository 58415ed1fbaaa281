//! Intake forms (product.md §7): what a practice asks its clients, and the
//! rules of a client's answers. The form builder, the portal (as the client
//! types) and the server (on every save) check with these same functions.

mod answers;
mod cosign;
mod seeded;

pub use answers::{Answers, Completion, SIGNATURE_MAX_BYTES};
pub use cosign::{check_signature, may_cosign, Cosign, ToSign};
pub use seeded::seeded;

use serde::{Deserialize, Serialize};

use crate::ids::{ClientFormId, FormId};
use crate::validation::FieldErrors;

pub const TITLE_MAX: usize = 120;
pub const LABEL_MAX: usize = 200;
pub const FIELDS_MAX: usize = 40;
pub const OPTIONS_MAX: usize = 20;
pub const OPTION_MAX: usize = 100;

/// What one field asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    ShortText,
    LongText,
    /// One of these options.
    SingleChoice(Vec<String>),
    YesNo,
    Date,
    /// Drawn on a canvas, kept as a PNG image.
    Signature,
}

impl FieldKind {
    /// Every kind, as the form builder offers them (choices start empty).
    pub const NAMES: [(&'static str, &'static str); 6] = [
        ("short_text", "Short text"),
        ("long_text", "Long text"),
        ("single_choice", "Single choice"),
        ("yes_no", "Yes / no"),
        ("date", "Date"),
        ("signature", "Signature"),
    ];

    /// The builder's name for this kind (the first of each pair in [`Self::NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::ShortText => "short_text",
            FieldKind::LongText => "long_text",
            FieldKind::SingleChoice(_) => "single_choice",
            FieldKind::YesNo => "yes_no",
            FieldKind::Date => "date",
            FieldKind::Signature => "signature",
        }
    }

    /// The kind the builder's `name` stands for, with `options` for a choice.
    pub fn from_name(name: &str, options: Vec<String>) -> Option<FieldKind> {
        Some(match name {
            "short_text" => FieldKind::ShortText,
            "long_text" => FieldKind::LongText,
            "single_choice" => FieldKind::SingleChoice(options),
            "yes_no" => FieldKind::YesNo,
            "date" => FieldKind::Date,
            "signature" => FieldKind::Signature,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
}

/// A form as the practice defines it; a copy goes with every request to a
/// client, so what they filled in always matches what they were asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub title: String,
    pub fields: Vec<Field>,
    /// After the client submits, someone with *can sign forms* co-signs (§7).
    /// Absent from forms stored before co-signing existed.
    #[serde(default)]
    pub cosign: bool,
}

/// The form builder's field names: `title`, `field-3` (its label), `field-3-options`.
pub fn field_key(index: usize) -> String {
    format!("field-{index}")
}

impl FormDefinition {
    /// The copy a client is asked to fill: `{doctor_name}` in the title and
    /// the questions becomes the practice's default doctor (§3).
    pub fn for_client(&self, doctor_name: &str) -> FormDefinition {
        let fill = |text: &str| text.replace("{doctor_name}", doctor_name);
        FormDefinition {
            title: fill(&self.title),
            fields: (self.fields.iter())
                .map(|f| Field {
                    label: fill(&f.label),
                    ..f.clone()
                })
                .collect(),
            cosign: self.cosign,
        }
    }

    /// The builder's rules, with each problem on the field it concerns.
    /// Returns the definition trimmed.
    pub fn validate(&self) -> Result<FormDefinition, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = self.title.trim().to_owned();
        if title.is_empty() {
            errors.add("title", "Enter the form's title.");
        } else if title.chars().count() > TITLE_MAX {
            errors.add("title", format!("Use at most {TITLE_MAX} characters."));
        } else if let Some(problem) = crate::names::problem(&title) {
            // The title is named in the email that asks a client to fill the form.
            errors.add("title", problem);
        }
        if self.fields.is_empty() {
            errors.add("fields", "Add at least one field.");
        } else if self.fields.len() > FIELDS_MAX {
            errors.add("fields", format!("A form has at most {FIELDS_MAX} fields."));
        }
        let mut fields = Vec::with_capacity(self.fields.len());
        for (index, field) in self.fields.iter().enumerate() {
            let key = field_key(index);
            let label = field.label.trim().to_owned();
            if label.is_empty() {
                errors.add(&key, "Enter what this field asks.");
            } else if label.chars().count() > LABEL_MAX {
                errors.add(&key, format!("Use at most {LABEL_MAX} characters."));
            } else if fields.iter().any(|f: &Field| f.label == label) {
                errors.add(
                    &key,
                    "Another field asks the same: make each label distinct.",
                );
            }
            let kind = match &field.kind {
                FieldKind::SingleChoice(options) => {
                    FieldKind::SingleChoice(choice_options(&mut errors, index, options))
                }
                kind => kind.clone(),
            };
            fields.push(Field {
                label,
                kind,
                required: field.required,
            });
        }
        if errors.is_empty() {
            Ok(FormDefinition {
                title,
                fields,
                cosign: self.cosign,
            })
        } else {
            Err(errors)
        }
    }
}

fn choice_options(errors: &mut FieldErrors, index: usize, options: &[String]) -> Vec<String> {
    let key = format!("{}-options", field_key(index));
    let mut kept: Vec<String> = Vec::new();
    for option in options.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        if option.chars().count() > OPTION_MAX {
            errors.add(
                &key,
                format!("Keep each option to {OPTION_MAX} characters."),
            );
        } else if kept.iter().any(|k| k == option) {
            errors.add(&key, format!("\"{option}\" is listed twice."));
        }
        kept.push(option.to_owned());
    }
    if kept.len() < 2 {
        errors.add(&key, "Give at least two options, one per line.");
    } else if kept.len() > OPTIONS_MAX {
        errors.add(&key, format!("Give at most {OPTIONS_MAX} options."));
    }
    kept
}

/// One of the practice's forms, as lists and pickers show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSummary {
    pub id: FormId,
    pub title: String,
    pub fields: usize,
    /// Sent with portal invitations unless the sender unticks it.
    pub default: bool,
}

/// Where a client is with one form they were asked to fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormStatus {
    ToFill,
    Draft,
    Submitted,
}

impl FormStatus {
    pub fn label(self) -> &'static str {
        match self {
            FormStatus::ToFill => "To fill in",
            FormStatus::Draft => "Draft",
            FormStatus::Submitted => "Submitted",
        }
    }

    /// The badge's class (ui.md's palette: pending blue, in progress amber, done green).
    pub fn badge(self) -> &'static str {
        match self {
            FormStatus::ToFill => "badge-invited",
            FormStatus::Draft => "badge-queued",
            FormStatus::Submitted => "badge-sent",
        }
    }
}

/// One form a client was asked to fill, in Client details and the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFormRow {
    pub id: ClientFormId,
    pub title: String,
    pub status: FormStatus,
    pub cosign: Cosign,
    /// When it was asked for, in the practice's time zone.
    pub requested: String,
    /// When it was submitted, in the practice's time zone.
    pub submitted: Option<String>,
}

/// One request with its answers: the portal's form page and a submission's view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledForm {
    pub id: ClientFormId,
    pub practice_name: String,
    pub client_name: String,
    pub definition: FormDefinition,
    pub answers: Answers,
    pub status: FormStatus,
    pub submitted: Option<String>,
    pub cosign: Cosign,
    /// The co-signature, a PNG data URL, once given.
    pub cosignature: Option<String>,
}

/// What a client sends from the portal's form page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSave {
    pub answers: Answers,
    pub completion: Completion,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str, kind: FieldKind) -> Field {
        Field {
            label: label.into(),
            kind,
            required: true,
        }
    }

    #[test]
    fn a_form_needs_a_title_and_distinct_labelled_fields() {
        let errors = FormDefinition::default().validate().unwrap_err();
        assert_eq!(errors.get("title"), Some("Enter the form's title."));
        assert_eq!(errors.get("fields"), Some("Add at least one field."));
        let form = FormDefinition {
            title: " Intake ".into(),
            fields: vec![
                field(" Allergies ", FieldKind::LongText),
                field("Allergies", FieldKind::ShortText),
                field(" ", FieldKind::YesNo),
            ],
            cosign: false,
        };
        let errors = form.validate().unwrap_err();
        assert!(errors.get("field-1").unwrap().contains("distinct"));
        assert_eq!(errors.get("field-2"), Some("Enter what this field asks."));
        assert_eq!(errors.get("field-0"), None);
        assert_eq!(errors.get("title"), None);
    }

    #[test]
    fn a_choice_needs_two_distinct_options() {
        let one = FieldKind::SingleChoice(vec!["Yes".into(), " ".into()]);
        let twice = FieldKind::SingleChoice(vec!["A".into(), " A ".into(), "B".into()]);
        let form = FormDefinition {
            title: "T".into(),
            fields: vec![field("One", one), field("Twice", twice)],
            cosign: false,
        };
        let errors = form.validate().unwrap_err();
        assert!(errors.get("field-0-options").unwrap().contains("two"));
        assert!(errors.get("field-1-options").unwrap().contains("twice"));
        let good = FormDefinition {
            title: "T".into(),
            fields: vec![field(
                "Pick",
                FieldKind::SingleChoice(vec![" A ".into(), "".into(), "B".into()]),
            )],
            cosign: false,
        }
        .validate()
        .unwrap();
        assert_eq!(
            good.fields[0].kind,
            FieldKind::SingleChoice(vec!["A".into(), "B".into()])
        );
    }

    #[test]
    fn kinds_round_trip_through_their_builder_names() {
        for (name, _) in FieldKind::NAMES {
            assert_eq!(FieldKind::from_name(name, vec![]).unwrap().name(), name);
        }
        assert_eq!(FieldKind::from_name("script", vec![]), None);
    }

    #[test]
    fn the_seeded_forms_keep_the_rules() {
        let forms = seeded();
        assert_eq!(forms.len(), 2);
        for form in forms {
            assert_eq!(form.validate().unwrap(), form);
        }
    }
}
