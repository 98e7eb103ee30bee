//! The derived macros of `build_info.h`: `src/tables/derived.txt` evaluated against the feature
//! macros (the format is described at the top of that file).

use std::collections::HashMap;
use std::fs;

const PATH: &str = "src/tables/derived.txt";

/// One derived macro that holds: its name and its value (empty for a macro without one).
pub struct Derived {
    pub name: String,
    pub value: String,
}

/// The macros derived from `features`, in table order.
pub fn derive(features: &[&str]) -> Vec<Derived> {
    println!("cargo:rerun-if-changed={PATH}");
    let text = fs::read_to_string(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
    let mut defined: HashMap<String, String> = features.iter().map(|f| (f.to_string(), String::new())).collect();
    let mut out = Vec::new();
    let mut group: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        let at = || format!("{PATH}:{}", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(head) = line.strip_prefix("==") {
            let head = head.trim();
            group = match head.strip_prefix("when ") {
                Some(cond) => Some(cond.to_string()),
                None if head == "always" => None,
                None => panic!("{}: a group head is `== when <condition>` or `== always`", at()),
            };
            continue;
        }
        let split =
            |s: &str| s.split_once(char::is_whitespace).map(|(a, b)| (a.to_string(), b.trim_start().to_string()));
        let (name, value, cond) = match split(line).and_then(|(name, rest)| split(&rest).map(|(v, c)| (name, v, c))) {
            Some((name, value, cond)) => (name, value, cond),
            None => panic!("{}: a row is `<NAME> <value> <condition>`", at()),
        };
        let (name, value, cond) = (name.as_str(), value.as_str(), cond.trim());
        if defined.contains_key(name) {
            continue;
        }
        let holds = |c: &str| eval(c, &defined).unwrap_or_else(|e| panic!("{}: {e}", at()));
        if group.as_deref().is_none_or(holds) && holds(cond) {
            let value = if value == "-" { String::new() } else { value.to_string() };
            defined.insert(name.to_string(), value.clone());
            out.push(Derived { name: name.to_string(), value });
        }
    }
    out
}

/// Evaluates a condition: `always`, or names joined by `!`, `&`, `|` and parentheses.
fn eval(cond: &str, defined: &HashMap<String, String>) -> Result<bool, String> {
    if cond == "always" {
        return Ok(true);
    }
    let mut tokens = Vec::new();
    let mut chars = cond.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if "!&|()".contains(c) {
            tokens.push(c.to_string());
            chars.next();
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_ascii_alphanumeric() || **c == '_') {
                word.push(c);
                chars.next();
            }
            tokens.push(word);
        } else {
            return Err(format!("unexpected `{c}` in `{cond}`"));
        }
    }
    let mut parser = Parser { tokens: &tokens, pos: 0, defined };
    let value = parser.or()?;
    if parser.pos != tokens.len() {
        return Err(format!("trailing `{}` in `{cond}`", tokens[parser.pos]));
    }
    Ok(value)
}

struct Parser<'a> {
    tokens: &'a [String],
    pos: usize,
    defined: &'a HashMap<String, String>,
}

impl Parser<'_> {
    fn next_is(&mut self, token: &str) -> bool {
        let found = self.tokens.get(self.pos).is_some_and(|t| t == token);
        if found {
            self.pos += 1;
        }
        found
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut value = self.and()?;
        while self.next_is("|") {
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut value = self.unary()?;
        while self.next_is("&") {
            value &= self.unary()?;
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<bool, String> {
        if self.next_is("!") {
            return Ok(!self.unary()?);
        }
        if self.next_is("(") {
            let value = self.or()?;
            return if self.next_is(")") { Ok(value) } else { Err("missing `)`".into()) };
        }
        match self.tokens.get(self.pos) {
            Some(word) if !"!&|()".contains(word.as_str()) => {
                self.pos += 1;
                Ok(self.defined.contains_key(word))
            }
            other => Err(format!("expected a macro name, found {other:?}")),
        }
    }
}
