//! The declarative tables of `src/tables/` (error codes, verification flags, C constants) and
//! what build.rs generates from them: the Rust side (`$OUT_DIR`) and each header's `#define`s.
//!
//! A table is text: `#` comments, `== word word ...` section heads, and rows whose first fields
//! are single words and whose last field is the rest of the line (a text).

use std::fs;
use std::path::Path;

/// One section of a table: the words of its `==` head and its rows.
#[derive(Clone)]
struct Section {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Reads `path`: rows of `words` single-word fields followed by one text field.
fn read(path: &str, words: usize) -> Vec<Section> {
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut sections = vec![Section { head: Vec::new(), rows: Vec::new() }];
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(head) = line.strip_prefix("==") {
            sections.push(Section { head: head.split_whitespace().map(str::to_string).collect(), rows: Vec::new() });
            continue;
        }
        let mut rest = line;
        let mut row = Vec::new();
        for _ in 0..words {
            let (word, tail) =
                rest.split_once(char::is_whitespace).unwrap_or_else(|| panic!("{path}:{}: short row", n + 1));
            row.push(word.to_string());
            rest = tail.trim_start();
        }
        row.push(rest.to_string());
        sections.last_mut().unwrap().rows.push(row);
    }
    sections.retain(|s| !s.rows.is_empty());
    sections
}

/// A number as the table writes it: decimal or hexadecimal, maybe negative.
fn number(text: &str) -> i64 {
    let (negative, digits) = text.strip_prefix('-').map_or((false, text), |d| (true, d));
    let value = match digits.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16),
        None => digits.parse(),
    }
    .unwrap_or_else(|_| panic!("not a number: {text}"));
    if negative { -value } else { value }
}

/// `-0x7080`, as Mbed TLS writes its codes.
fn hex_code(value: i64) -> String {
    if value < 0 { format!("-0x{:04X}", value.unsigned_abs()) } else { format!("0x{value:04X}") }
}

pub struct Tables {
    /// Sections `ffi-module header prefix`; rows `value constant variant text`.
    errors: Vec<Section>,
    /// The Mbed TLS 2.28 edition's differences (`src/tables/errors-2.28.txt`), when building it.
    edition_2_28: Option<Edition228>,
    /// Rows `value name text`.
    flags: Vec<Section>,
    /// Sections `ffi-module header [cast]` (module `-`: no Rust side); rows `name type value text`.
    constants: Vec<Section>,
}

/// What the 2.28 edition changes in the error table.
struct Edition228 {
    /// Constant → its 2.28 value (`src/tables/constants-2.28.txt`, its head-less section).
    constant_values: std::collections::HashMap<String, String>,
    /// The constants only 2.28 has (`src/tables/constants-2.28.txt`, its sections with a head).
    added_constants: Vec<Section>,
    /// 3.6 constant → the 2.28 constant returned in its place.
    substitutes: std::collections::HashMap<String, String>,
    /// Sections `ffi-module header prefix`; rows `value constant text`: codes only 2.28 defines.
    only: Vec<Section>,
}

impl Tables {
    pub fn load(edition_2_28: bool) -> Self {
        let edition_2_28 = edition_2_28.then(|| {
            let mut sections = read("src/tables/errors-2.28.txt", 1).into_iter();
            let substitutes = sections.next().expect("errors-2.28.txt: the substitutes section");
            assert_eq!(substitutes.head, ["substitutes"], "errors-2.28.txt: substitutes first");
            let substitutes = substitutes.rows.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
            // The other sections' rows are `value constant text`: split the constant off the text.
            let only = sections
                .map(|mut sec| {
                    for row in &mut sec.rows {
                        let (name, text) = row[1].split_once(char::is_whitespace).expect("errors-2.28.txt: a text");
                        *row = vec![row[0].clone(), name.to_string(), text.trim().to_string()];
                    }
                    sec
                })
                .collect();
            // The head-less section changes values; sections with a head add constants.
            let (values, added): (Vec<Section>, Vec<Section>) =
                read("src/tables/constants-2.28.txt", 1).into_iter().partition(|sec| sec.head.is_empty());
            let constant_values =
                values.into_iter().flat_map(|sec| sec.rows).map(|r| (r[0].clone(), r[1].clone())).collect();
            // Rows `<NAME> <C type> <value> <documentation...>`, as in constants.txt.
            let added_constants = added
                .into_iter()
                .map(|mut sec| {
                    for row in &mut sec.rows {
                        let mut words = row[1].splitn(3, char::is_whitespace);
                        let (ty, value) = (words.next().unwrap(), words.next().expect("constants-2.28.txt: a value"));
                        let doc = words.next().expect("constants-2.28.txt: a text").trim();
                        *row = vec![row[0].clone(), ty.to_string(), value.to_string(), doc.to_string()];
                    }
                    sec
                })
                .collect();
            Edition228 { constant_values, added_constants, substitutes, only }
        });
        let mut constants = read("src/tables/constants.txt", 3);
        // A constant only 2.28 has goes to its header like any other.
        let added: Vec<String> = edition_2_28
            .iter()
            .flat_map(|e| &e.added_constants)
            .flat_map(|sec| &sec.rows)
            .map(|r| r[0].clone())
            .collect();
        constants.extend(edition_2_28.iter().flat_map(|e| e.added_constants.clone()));
        let tables = Self {
            edition_2_28,
            errors: read("src/tables/errors.txt", 3),
            flags: read("src/tables/verify_flags.txt", 2),
            constants,
        };
        // One row per constant: a second one would be a redefinition in the C headers.
        let mut seen = std::collections::HashSet::new();
        for row in tables.constants.iter().flat_map(|sec| &sec.rows) {
            assert!(seen.insert(&row[0]), "src/tables/constants.txt: {} has two rows", row[0]);
        }
        for name in tables.edition_2_28.iter().flat_map(|e| e.constant_values.keys()) {
            assert!(seen.contains(name), "src/tables/constants-2.28.txt: {name} is not in constants.txt");
            assert!(!added.contains(name), "src/tables/constants-2.28.txt: {name} is added and changed");
        }
        tables
    }

    /// The `#define`s a header gets: its constants, its error codes, and (x509.h) the flags.
    pub fn defines(&self, header: &str) -> String {
        let mut s = String::new();
        for section in self.constants.iter().filter(|sec| sec.head[1] == header) {
            s.push_str("\n/* Constants (generated from src/tables/constants.txt). */\n");
            let cast = section.head.get(2).is_some_and(|word| word == "cast");
            for row in &section.rows {
                let raw = self.constant_value(row);
                let value = if cast && row[1] != "int" { format!("(({}){raw})", row[1]) } else { raw.to_string() };
                s.push_str(&format!("#define {:<58} {value} /**< {} */\n", row[0], row[3]));
            }
        }
        for section in self.errors.iter().filter(|sec| sec.head[1] == header) {
            s.push_str(&format!("\n/* {} error codes (generated from src/tables/errors.txt). */\n", section.head[2]));
            for row in section.rows.iter().filter(|row| self.substitute(&row[1]).is_none()) {
                s.push_str(&format!("#define {:<58} {} /**< {} */\n", row[1], hex_code(number(&row[0])), row[3]));
            }
            for row in self.only_2_28(header) {
                s.push_str(&format!("#define {:<58} {} /**< {} */\n", row[1], hex_code(number(&row[0])), row[2]));
            }
        }
        if header == "x509.h" {
            s.push_str("\n/* Verification flags (generated from src/tables/verify_flags.txt). */\n");
            for row in self.flags.iter().flat_map(|sec| &sec.rows) {
                let name = format!("MBEDTLS_X509_{}", row[1]);
                s.push_str(&format!("#define {name:<58} {:#06x} /**< {} */\n", number(&row[0]), row[2]));
            }
        }
        s
    }

    /// A constant's value in the edition being built (a row of constants.txt).
    fn constant_value<'a>(&'a self, row: &'a [String]) -> &'a str {
        self.edition_2_28.as_ref().and_then(|e| e.constant_values.get(&row[0])).unwrap_or(&row[2])
    }

    /// The 2.28 edition's substitute for a 3.6-only code (None: the code is the same, or 3.6).
    fn substitute(&self, name: &str) -> Option<&str> {
        self.edition_2_28.as_ref().and_then(|e| e.substitutes.get(name)).map(String::as_str)
    }

    /// The rows of codes only 2.28 defines, for `header` (none in the 3.6 edition).
    fn only_2_28(&self, header: &str) -> impl Iterator<Item = &Vec<String>> {
        self.edition_2_28
            .iter()
            .flat_map(|e| &e.only)
            .filter(move |sec| sec.head[1] == header)
            .flat_map(|sec| &sec.rows)
    }

    /// The value of the code `name` in the edition being built.
    fn value_of(&self, name: &str) -> i64 {
        let only = self.edition_2_28.iter().flat_map(|e| &e.only).flat_map(|sec| &sec.rows);
        let row = self.errors.iter().flat_map(|sec| &sec.rows).find(|row| row[1] == name).map(|row| &row[0]);
        row.or_else(|| only.clone().find(|row| row[1] == name).map(|row| &row[0]))
            .map(|v| number(v))
            .unwrap_or_else(|| panic!("errors-2.28.txt: no code {name}"))
    }

    /// The Rust side, in `$OUT_DIR`: `error_enum.rs` (the core's `Error`), `error_codes.rs`
    /// (constants, `code_of`, texts for `ffi::error`), `verify_flags.rs`, and
    /// `constants/<module>.rs` for each ffi module.
    pub fn write_rust(&self, out: &Path) {
        fs::write(out.join("error_enum.rs"), self.error_enum()).unwrap();
        fs::write(out.join("error_codes.rs"), self.error_codes()).unwrap();
        fs::write(out.join("verify_flags.rs"), self.verify_flags()).unwrap();
        fs::create_dir_all(out.join("constants")).unwrap();
        // One file per module, which may have sections for several headers.
        let mut files = std::collections::BTreeMap::<&str, String>::new();
        for section in self.constants.iter().filter(|sec| sec.head[0] != "-") {
            let s = files.entry(&section.head[0]).or_insert_with(|| {
                String::from("// Generated by build.rs from src/tables/constants.txt. Do not edit.\n\n")
            });
            for row in &section.rows {
                let ty = if row[1] == "int" { "core::ffi::c_int" } else { row[1].as_str() };
                s.push_str(&format!("/// {}\npub const {}: {ty} = {};\n", row[3], row[0], self.constant_value(row)));
            }
        }
        for (module, s) in files {
            fs::write(out.join(format!("constants/{module}.rs")), s).unwrap();
        }
    }

    fn error_enum(&self) -> String {
        let mut e = String::from("// Generated by build.rs from src/tables/errors.txt. Do not edit.\n\n");
        e.push_str("/// An error of the core, named after the `MBEDTLS_ERR_*` code it becomes at the C boundary.\n");
        // Variants such as `SslDecodeError` spell the C names (MBEDTLS_ERR_SSL_DECODE_ERROR).
        e.push_str("#[allow(clippy::enum_variant_names)]\n");
        e.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub enum Error {\n");
        for row in self.errors.iter().flat_map(|sec| &sec.rows).filter(|row| row[2] != "-") {
            e.push_str(&format!("    /// `{}`: {}.\n    {},\n", row[1], row[3], row[2]));
        }
        e.push_str(
            "    /// A negative code returned by one of the application's callbacks (BIO, cache, ticket),\n\
             \x20   /// handed back to the application unchanged, as Mbed TLS does.\n\
             \x20   Passthrough(i32),\n\
             \x20   /// Internal signal: one of the application's callbacks that receive the context (SNI,\n\
             \x20   /// new session ticket) must run before the operation can go on. The C layer runs it with\n\
             \x20   /// no borrow of the context held and retries the operation; never reaches C.\n\
             \x20   CallbackPending,\n}\n",
        );
        e
    }

    fn error_codes(&self) -> String {
        let mut c = String::from("// Generated by build.rs from src/tables/errors.txt. Do not edit.\n\n");
        c.push_str("use core::ffi::c_int;\n\nuse crate::error::Error;\n\n");
        let mut code_of = String::from(
            "/// The `MBEDTLS_ERR_*` value of a core error.\npub(crate) fn code_of(err: Error) -> c_int {\n    match err {\n",
        );
        let mut texts = String::from(
            "/// Every code with its text as `mbedtls_strerror` prints it (`MODULE - text`).\n\
             pub(crate) const ERROR_TEXTS: &[(c_int, &core::ffi::CStr)] = &[\n",
        );
        for section in &self.errors {
            let (module, prefix) = (&section.head[0], &section.head[2]);
            c.push_str(&format!(
                "/// The `MBEDTLS_ERR_{prefix}_*` codes.\npub mod {module} {{\n    use core::ffi::c_int;\n\n"
            ));
            for row in &section.rows {
                let (value, name, variant, text) = (hex_code(number(&row[0])), &row[1], &row[2], &row[3]);
                if let Some(substitute) = self.substitute(name) {
                    // 2.28 edition: the 2.28 code this one becomes (not in the headers or texts).
                    let value = hex_code(self.value_of(substitute));
                    c.push_str(&format!(
                        "    /// 2.28 edition: `{substitute}` (`{value}`) stands for this 3.6 code.\n"
                    ));
                    c.push_str(&format!("    pub const {name}: c_int = {value};\n"));
                } else {
                    c.push_str(&format!("    /// {text} (`{value}`).\n    pub const {name}: c_int = {value};\n"));
                    texts.push_str(&format!("    ({module}::{name}, c{:?}),\n", format!("{prefix} - {text}")));
                }
                if variant != "-" {
                    code_of.push_str(&format!("        Error::{variant} => {module}::{name},\n"));
                }
            }
            for row in self.only_2_28(&section.head[1]) {
                let (value, name, text) = (hex_code(number(&row[0])), &row[1], &row[2]);
                c.push_str(&format!(
                    "    /// {text} (`{value}`, Mbed TLS 2.28).\n    pub const {name}: c_int = {value};\n"
                ));
                texts.push_str(&format!("    ({module}::{name}, c{:?}),\n", format!("{prefix} - {text}")));
            }
            c.push_str("}\n\n");
        }
        code_of.push_str("        Error::Passthrough(code) => code,\n");
        code_of.push_str("        Error::CallbackPending => ssl::MBEDTLS_ERR_SSL_INTERNAL_ERROR,\n    }\n}\n\n");
        texts.push_str("];\n");
        c + &code_of + &texts
    }

    fn verify_flags(&self) -> String {
        let rows: Vec<&Vec<String>> = self.flags.iter().flat_map(|sec| &sec.rows).collect();
        let mut f = String::from("// Generated by build.rs from src/tables/verify_flags.txt. Do not edit.\n\n");
        for (group, prefix) in [("badcert", "BADCERT_"), ("badcrl", "BADCRL_")] {
            f.push_str(&format!("/// The `MBEDTLS_X509_{prefix}*` flags.\n"));
            f.push_str(
                "#[allow(dead_code, reason = \"the whole table is generated; the core sets the flags it detects\")]\n",
            );
            f.push_str(&format!("pub mod {group} {{\n"));
            for row in rows.iter().filter(|row| row[1].starts_with(prefix)) {
                let name = &row[1][prefix.len()..];
                f.push_str(&format!("    /// {}.\n    pub const {name}: u32 = {:#06x};\n", row[2], number(&row[0])));
            }
            f.push_str("}\n\n");
        }
        f.push_str("/// Every flag with its `mbedtls_x509_crt_verify_info` text, in flag order.\n");
        f.push_str("pub const FLAG_TEXTS: &[(u32, &str)] = &[\n");
        for row in &rows {
            f.push_str(&format!("    ({:#06x}, {:?}),\n", number(&row[0]), row[2]));
        }
        f.push_str("];\n");
        f
    }
}
