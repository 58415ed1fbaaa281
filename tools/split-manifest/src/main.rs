//! `split-manifest <pkg dir>`: repairs the split manifest in place (see the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: split-manifest <site pkg directory>");
        return ExitCode::FAILURE;
    };
    match run(std::path::Path::new(&dir)) {
        Ok(Some(file)) => {
            println!("split manifest repaired: {file}");
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("split-manifest: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The manifest's file name when it was rewritten; `None` when the build was not split.
fn run(dir: &std::path::Path) -> Result<Option<String>, String> {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    let Some(manifest) = names
        .iter()
        .find(|n| n.starts_with("__wasm_split_manifest") && n.ends_with(".json"))
    else {
        return Ok(None);
    };
    let path = dir.join(manifest);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{manifest}: {e}"))?;
    let on_disk = split_manifest::pieces(names.iter().map(String::as_str));
    let repaired = split_manifest::repair(&text, &on_disk)?;
    std::fs::write(&path, repaired).map_err(|e| format!("{manifest}: {e}"))?;
    // The precompressed copies hold the garbled text; browsers never ask for
    // the manifest (the server reads it), so they go rather than lie.
    for stale in [".br", ".gz"] {
        let _ = std::fs::remove_file(dir.join(format!("{manifest}{stale}")));
    }
    Ok(Some(manifest.clone()))
}
