//! The messages an SMTP server has accepted that the outbox may not know
//! about yet. Marking a message sent is a database write, and on SQLite it
//! can wait for the writer lock while the app is busy; a process killed in
//! that wait sends the message again when its lease lapses (`make faults`'
//! SQLite kill found 16 such repeats: every message in flight). A line
//! appended here the moment the server says yes outlives the process (the
//! kernel keeps what was written), and the next start marks those messages
//! sent before it delivers anything. What is left is the instant between the
//! server's answer and this write: SMTP cannot be exactly-once.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::outbox::{self, Keep};
use crate::db::Db;

pub struct SentLog {
    path: PathBuf,
    file: Mutex<File>,
}

/// Why the log could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("reading {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("marking a logged message sent: {0}")]
    Db(#[from] sqlx::Error),
}

impl SentLog {
    /// The log in `data_dir`, made if missing (one per data directory: the
    /// processes that share one also share their log, and any of them may
    /// replay it, since a line says only what an SMTP server accepted).
    pub fn open(data_dir: &Path) -> io::Result<SentLog> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join("outbox-sent.log");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)?;
        Ok(SentLog {
            path,
            file: Mutex::new(file),
        })
    }

    /// Notes that attempt `attempts` of message `id` was accepted: one write of one line.
    pub fn record(&self, id: &str, attempts: i64) -> io::Result<()> {
        let line = format!("{id} {attempts}\n");
        self.lock().write_all(line.as_bytes())
    }

    /// Empties the log; only when every message in it is marked sent.
    pub fn clear(&self) -> io::Result<()> {
        self.lock().set_len(0)
    }

    /// Marks every message in the log sent (an attempt another worker has
    /// taken over since is left to it), then empties the log. Returns how many it marked.
    pub async fn replay(&self, db: &Db, keep: Keep, now_ms: i64) -> Result<usize, ReplayError> {
        let io = |source| ReplayError::Io {
            path: self.path.clone(),
            source,
        };
        let text = std::fs::read_to_string(&self.path).map_err(io)?;
        let mut marked = 0;
        // A line cut short by the kill has no attempt number and is skipped.
        for (id, attempts) in text.lines().filter_map(|line| {
            let (id, attempts) = line.split_once(' ')?;
            Some((id, attempts.parse::<i64>().ok()?))
        }) {
            if outbox::mark_sent(db, id, attempts, keep, now_ms).await? {
                marked += 1;
            }
        }
        self.clear().map_err(io)?;
        Ok(marked)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, File> {
        self.file
            .lock()
            .expect("the sent log's lock is never poisoned: writes cannot panic")
    }
}
