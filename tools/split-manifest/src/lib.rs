//! cargo-leptos 0.3.8 (`build --split` with `hash-files`) renames each WASM
//! piece to `chunk_27.<hash>.wasm`, then rewrites the split manifest by plain
//! text replacement without the `.wasm` ending: renaming `chunk_27` also
//! rewrites `chunk_270` … into `chunk_27.<hash>0`, a file that does not exist.
//! The server reads that manifest to tell the browser which pieces a page
//! needs, so garbled names become failed downloads. (The loader script
//! replaces names with their `.wasm` ending and is not affected.)
//!
//! [`repair`] strips every hash from each name in the manifest, which gives
//! back the original name, and names the file that really holds that piece.

use std::collections::HashMap;

/// The length of cargo-leptos' content hash: 16 bytes of MD5 in unpadded base64url.
const HASH_LEN: usize = 22;

fn is_hash(s: &str) -> bool {
    s.len() == HASH_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `chunk_27.<hash>0` → `chunk_270`: the name before any hash was added.
fn original(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(dot) = rest.find('.') {
        out.push_str(&rest[..dot]);
        let after = &rest[dot + 1..];
        if after.len() >= HASH_LEN && is_hash(&after[..HASH_LEN]) {
            rest = &after[HASH_LEN..];
        } else {
            out.push('.');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The pieces on disk: original name → hashed name (without `.wasm`), from
/// the file names of a `pkg` directory.
pub fn pieces<'a>(files: impl IntoIterator<Item = &'a str>) -> HashMap<String, String> {
    files
        .into_iter()
        .filter_map(|file| file.strip_suffix(".wasm"))
        .map(|stem| (original(stem), stem.to_owned()))
        .collect()
}

/// The manifest with every piece named as it is on disk; `Err` names a piece
/// that is on no disk at all (the build is broken, not just its manifest).
pub fn repair(manifest: &str, on_disk: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(manifest.len());
    let mut rest = manifest;
    // Every string of the manifest: the keys are split points, the values pieces.
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let close = after
            .find('"')
            .ok_or("unterminated string in the manifest")?;
        let text = &after[..close];
        let is_piece = text.starts_with("chunk_") || text.starts_with("split_");
        if is_piece {
            let name = original(text);
            let file = on_disk
                .get(&name)
                .ok_or_else(|| format!("no file holds the piece {name}"))?;
            out.push_str(file);
        } else {
            out.push_str(text);
        }
        out.push('"');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "TDrrsCAoVFu2lMkSNCAuvw";
    const H2: &str = "UMjXTGGNGSUuzB0ztLrO-Q";
    const H3: &str = "V02UGqWdFe9sAfzt4bT6hw";

    fn disk() -> HashMap<String, String> {
        let files = [
            format!("chunk_27.{H1}.wasm"),
            format!("chunk_277.{H2}.wasm"),
            format!("chunk_270.{H3}.wasm"),
            format!("split___team_view_9.{H3}.wasm"),
            format!("carekeys.{H1}.js"),
        ];
        pieces(files.iter().map(String::as_str))
    }

    #[test]
    fn garbled_names_become_the_files_on_disk() {
        // What cargo-leptos wrote: chunk_277 and chunk_270 garbled by chunk_27's rename.
        let garbled = format!(
            "{{\"__team_view_9\": [\"chunk_27.{H1}\", \"chunk_27.{H1}7\", \"chunk_27.{H1}0.{H3}\", \"split___team_view_9.{H3}\"]}}"
        );
        let repaired = repair(&garbled, &disk()).unwrap();
        assert_eq!(
            repaired,
            format!(
                "{{\"__team_view_9\": [\"chunk_27.{H1}\", \"chunk_277.{H2}\", \"chunk_270.{H3}\", \"split___team_view_9.{H3}\"]}}"
            )
        );
        // A correct manifest is left as it is.
        assert_eq!(repair(&repaired, &disk()).unwrap(), repaired);
    }

    #[test]
    fn a_piece_with_no_file_is_an_error() {
        let err = repair("{\"k\": [\"chunk_9\"]}", &disk()).unwrap_err();
        assert!(err.contains("chunk_9"), "{err}");
    }

    #[test]
    fn dots_that_are_not_hashes_stay() {
        assert_eq!(original("carekeys_bg.wasm.d"), "carekeys_bg.wasm.d");
        assert_eq!(original(&format!("chunk_2.{H1}7.{H2}")), "chunk_27");
    }
}
