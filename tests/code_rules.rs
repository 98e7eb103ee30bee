//! Rules of this codebase that a reader should not have to check by hand (STYLE.md):
//! every `unsafe` block or impl (library and unit tests) carries a `// SAFETY:` comment, and no
//! source file holds more than about 800 lines of non-test code.

use std::fs;
use std::path::{Path, PathBuf};

/// The most non-test lines a file under src/ may hold ("about 800").
const MAX_CODE_LINES: usize = 820;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    assert!(files.len() > 20, "too few sources found: {files:?}");
    files
        .into_iter()
        .map(|p| (p.strip_prefix(root).unwrap().display().to_string(), fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The lines of a file before its test module (`#[cfg(test)]` followed by `mod`).
fn code_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find(|&i| lines[i].trim() == "#[cfg(test)]" && lines.get(i + 1).is_some_and(|l| is_test_module(l)))
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

/// `mod tests {`, `pub(crate) mod tests {`, ...: a module declaration (after `#[cfg(test)]`).
fn is_test_module(line: &str) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub(super) ")).unwrap_or(line);
    line.starts_with("mod ")
}

/// True when a `// SAFETY:` comment stands right above line `i`, or above the first line of the
/// statement that line `i` continues.
fn has_safety_comment(lines: &[&str], i: usize) -> bool {
    let mut j = i;
    while j > 0 {
        j -= 1;
        let line = lines[j].trim();
        if line.starts_with("// SAFETY:") {
            return true;
        }
        if line.starts_with("//") {
            continue; // a comment of several lines: its first line may be the SAFETY one
        }
        if line.is_empty() || line.ends_with(';') || line.ends_with('}') || line.ends_with('{') || i - j > 4 {
            return false;
        }
    }
    false
}

#[test]
fn every_unsafe_block_has_a_safety_comment() {
    let mut missing = Vec::new();
    let mut count = 0;
    for (name, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap();
            if !(code.contains("unsafe {") || code.contains("unsafe impl")) {
                continue;
            }
            count += 1;
            if !has_safety_comment(&lines, i) {
                missing.push(format!("{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(count > 400, "only {count} unsafe lines found: is the scan broken?");
    assert!(
        missing.is_empty(),
        "{} of {count} unsafe lines lack a `// SAFETY:` comment:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn no_source_file_holds_more_than_about_800_lines_of_code() {
    let mut too_long = Vec::new();
    for (name, text) in sources() {
        let n = code_lines(&text).len();
        if n > MAX_CODE_LINES {
            too_long.push(format!("{name}: {n} lines of non-test code"));
        }
    }
    assert!(too_long.is_empty(), "split these files by concern:\n{}", too_long.join("\n"));
}

/// Secrets of the renegotiation engine compared with `==`/`!=` leak, through the time the
/// comparison takes, how many leading bytes match (issue 13, item 4). Finished `verify_data` and
/// `renegotiation_info` must go through the constant-time helper (`same_secret`). This rule
/// reads the source: it proves that no such comparison is written with the operators, not that
/// the helper's running time is constant (that is aws-lc's `verify_slices_are_equal`).
#[test]
fn the_renegotiation_engine_compares_verify_data_in_constant_time() {
    let watched = ["verify_data", "renegotiation_info", "expected", "_vd", "message[4..]", "ri["];
    let mut offenders = Vec::new();
    for (path, text) in sources() {
        if !path.starts_with("src/renegotiation/") || path.ends_with("tests.rs") {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if (code.contains("==") || code.contains("!=")) && watched.iter().any(|w| code.contains(w)) {
                offenders.push(format!("{path}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(offenders.is_empty(), "compare secrets with same_secret():\n{}", offenders.join("\n"));
}
