//! Where messages go: an SMTP server, or — with none configured — a local
//! mailbox of `.eml` files, so the app works out of the box and nothing is lost.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

use super::outbox::Claimed;

pub enum Transport {
    Smtp {
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    LocalMailbox {
        dir: PathBuf,
        from: Mailbox,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the SMTP URL is not valid: {0}")]
    Url(String),
    #[error("the sender address is not valid: {0}")]
    From(String),
}

impl Transport {
    pub fn smtp(url: &str, from: &str) -> Result<Self, TransportError> {
        // As many pooled connections as the worker keeps messages in flight.
        let pool = PoolConfig::new().max_size(super::worker::IN_FLIGHT as u32);
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| TransportError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .pool_config(pool)
            .build();
        Ok(Transport::Smtp {
            mailer,
            from: parse_from(from)?,
        })
    }

    pub fn local_mailbox(dir: PathBuf, from: &str) -> Result<Self, TransportError> {
        Ok(Transport::LocalMailbox {
            dir,
            from: parse_from(from)?,
        })
    }

    /// What the outbox keeps of a message this transport has delivered.
    pub fn keeps(&self) -> super::outbox::Keep {
        match self {
            Transport::Smtp { .. } => super::outbox::Keep::Redacted,
            Transport::LocalMailbox { .. } => super::outbox::Keep::Everything,
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Transport::Smtp { from, .. } | Transport::LocalMailbox { from, .. } => from,
        }
    }

    /// Delivers one message; the error text is kept on the outbox row.
    pub async fn deliver(&self, message: &Claimed) -> Result<(), String> {
        let to: Mailbox = message
            .to_address
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        let builder = Message::builder()
            .from(self.from().clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{}@carekeys>", message.id)));
        // RFC 8058: mail clients offer "Unsubscribe" and POST to the address in one click.
        let builder = match &message.list_unsubscribe {
            Some(url) => builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                )),
            None => builder,
        };
        let email = match &message.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                message.body_text.clone(),
                html.clone(),
            )),
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(message.body_text.clone()),
        }
        .map_err(|e| format!("composing: {e}"))?;
        match self {
            Transport::Smtp { mailer, .. } => mailer
                .send(email)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Transport::LocalMailbox { dir, .. } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                let path = dir.join(format!("{}.eml", message.id));
                tokio::fs::write(path, email.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

fn parse_from(from: &str) -> Result<Mailbox, TransportError> {
    from.parse()
        .map_err(|e: lettre::address::AddressError| TransportError::From(e.to_string()))
}
