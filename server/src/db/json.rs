//! A list read as one row: the database folds a page's rows into one JSON
//! array. sqlx's SQLite driver hands every row from its connection's thread
//! to the request's task, a wake-up each; a Team page of ~90 rows in one row
//! (and its checks in the same statement) served about a sixth more pages a
//! second under `make load`.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use shared::columns::TextColumn;
use std::fmt;
use std::sync::OnceLock;

use super::Db;

/// One backend's names for the functions that build JSON.
#[derive(Clone, Copy)]
pub struct JsonFns {
    /// The aggregate: `array(value ORDER BY …)` is the rows' values in that order.
    array: &'static str,
    /// `object('key', value, …)`.
    object: &'static str,
}

const SQLITE: JsonFns = JsonFns {
    array: "json_group_array",
    object: "json_object",
};
const POSTGRES: JsonFns = JsonFns {
    array: "json_agg",
    object: "json_build_object",
};

/// A statement that uses JSON functions, spelled for each backend the first
/// time that backend runs it.
pub struct Statement {
    build: fn(JsonFns) -> String,
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl Statement {
    pub const fn new(build: fn(JsonFns) -> String) -> Statement {
        Statement {
            build,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    pub fn for_db(&self, db: &Db) -> &str {
        match db {
            Db::Sqlite(_) => self.sqlite.get_or_init(|| (self.build)(SQLITE)),
            Db::Postgres(_) => self.postgres.get_or_init(|| (self.build)(POSTGRES)),
        }
    }
}

impl JsonFns {
    /// `SELECT` of one text column: the `columns` of every row of `from` (a
    /// subquery, aliased `r`) as objects keyed by the columns' names, in an
    /// array ordered by `order` (over `r`'s columns); `[]` when there is none.
    pub fn array_of(self, columns: &[&str], from: &str, order: &str) -> String {
        let JsonFns { array, object } = self;
        let pairs: Vec<String> = columns
            .iter()
            .map(|column| format!("'{column}', r.{column}"))
            .collect();
        format!(
            "SELECT CAST(COALESCE({array}({object}({}) ORDER BY {order}), '[]') AS TEXT) FROM ({from}) r",
            pairs.join(", ")
        )
    }
}

/// The rows of an array made by [`JsonFns::array_of`].
pub fn rows<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A value stored by its code (a role, a status), read from JSON.
pub fn code<'de, D: Deserializer<'de>, T: TextColumn>(d: D) -> Result<T, D::Error> {
    let text = String::deserialize(d)?;
    T::from_column(&text).ok_or_else(|| de::Error::custom(format!("unknown code {text:?}")))
}

/// A boolean column: SQLite's JSON has 0 or 1, PostgreSQL's true or false.
pub fn truth<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Truth;
    impl Visitor<'_> for Truth {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("true, false, 0 or 1")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            u64::try_from(v)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                .and_then(|v| self.visit_u64(v))
        }
    }
    d.deserialize_any(Truth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::roles::Role;

    #[derive(Deserialize)]
    struct Row {
        #[serde(deserialize_with = "truth")]
        flag: bool,
        #[serde(deserialize_with = "code")]
        role: Role,
    }

    #[test]
    fn both_backends_booleans_read_alike_and_anything_else_is_refused() {
        let read: Vec<Row> = rows(
            r#"[{"flag": 1, "role": "admin"}, {"flag": true, "role": "owner"},
                {"flag": 0, "role": "admin"}, {"flag": false, "role": "admin"}]"#,
        )
        .unwrap();
        let flags: Vec<bool> = read.iter().map(|r| r.flag).collect();
        assert_eq!(flags, [true, true, false, false]);
        assert_eq!(read[1].role, Role::Owner);
        assert!(rows::<Row>(r#"[{"flag": 2, "role": "admin"}]"#).is_err());
        assert!(rows::<Row>(r#"[{"flag": "yes", "role": "admin"}]"#).is_err());
        assert!(rows::<Row>(r#"[{"flag": 1, "role": "emperor"}]"#).is_err());
    }
}
