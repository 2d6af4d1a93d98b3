//! Access to the external test corpus in `../shared/corpus`.
//!
//! Tests that read it skip (saying so) when it is absent, as in a user's clone, unless
//! `SIPCERT_REQUIRE_CORPUS=1` is set, as `.ci/run` does: there its absence fails the test.

use std::path::PathBuf;

/// The corpus directory, or `None` (after printing why) when it is absent and not required.
///
/// # Panics
/// When the corpus is absent and `SIPCERT_REQUIRE_CORPUS=1`.
pub fn dir() -> Option<PathBuf> {
    let dir = crate::repo_root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("SIPCERT_REQUIRE_CORPUS").as_deref() != Ok("1"),
        "SIPCERT_REQUIRE_CORPUS=1 but the corpus is missing at {}",
        dir.display()
    );
    eprintln!(
        "skipping: the external corpus is not at {} (set SIPCERT_REQUIRE_CORPUS=1 to require it)",
        dir.display()
    );
    None
}

/// One data row of a corpus TSV: the header names mapped to the row's fields.
#[derive(Debug, Clone)]
pub struct Row {
    /// File name (for failure messages).
    pub file: String,
    /// 1-based line number in the file.
    pub line: usize,
    /// Column name → value.
    pub fields: std::collections::BTreeMap<String, String>,
}

impl Row {
    /// The value of a column ("" when absent).
    pub fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }
}

/// Reads a TSV file with `#` comment lines and a header row.
///
/// # Panics
/// When the file cannot be read.
pub fn read_tsv(path: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<String> = line.split('\t').map(str::to_owned).collect();
        match &header {
            None => header = Some(cols),
            Some(h) => rows.push(Row {
                file: file.clone(),
                line: i + 1,
                fields: h.iter().cloned().zip(cols).collect(),
            }),
        }
    }
    rows
}
