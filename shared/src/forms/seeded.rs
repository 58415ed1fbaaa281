//! The forms a new practice starts with, to send at once or adapt.

use super::{Field, FieldKind, FormDefinition};

fn field(label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        label: label.to_owned(),
        kind,
        required,
    }
}

/// Health history and consent to treatment.
pub fn seeded() -> Vec<FormDefinition> {
    use FieldKind::*;
    let choice = |options: &[&str]| SingleChoice(options.iter().map(|o| (*o).to_owned()).collect());
    vec![
        FormDefinition {
            title: "Health history".into(),
            fields: vec![
                field("Reason for your visit", LongText, true),
                field("Current medications", LongText, false),
                field("Allergies", ShortText, false),
                field("Do you have a chronic condition?", YesNo, true),
                field("Smoking", choice(&["Never", "Former", "Current"]), true),
                field("Date of your last check-up", Date, false),
            ],
            cosign: false,
        },
        FormDefinition {
            title: "Consent to treatment".into(),
            fields: vec![
                field(
                    "I have read the practice's information on treatment, fees and privacy, and I consent to be treated.",
                    YesNo,
                    true,
                ),
                field("Full name", ShortText, true),
                field("Signature", Signature, true),
            ],
            cosign: true,
        },
    ]
}
