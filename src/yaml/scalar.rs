//! How Kubernetes reads a YAML scalar.
//!
//! Kubernetes converts YAML to JSON with sigs.k8s.io/yaml, which resolves plain scalars the
//! way go-yaml v2 does — YAML 1.1 style: `yes`/`on` are booleans, `0644` is octal 420,
//! `1_000` is 1000, `~` is null. Quoted and block scalars are always strings. No Rust crate
//! does exactly that, so this module does, and is tested against those cases.

use saphyr_parser::ScalarStyle;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'s> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'s str),
}

impl Value<'_> {
    /// A short name for messages: "a string", "a boolean", …
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
        }
    }
}

/// A string as a YAML flow scalar that reads back as the same string: plain when that is
/// safe (`web`, `app.kubernetes.io/name`), double-quoted otherwise (`"true"`, `"1.0"`, `""`).
/// For the YAML that help texts suggest.
pub fn flow_scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// An explicit core-schema tag on a scalar (`!!str 3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
}

pub fn resolve<'s>(text: &'s str, style: ScalarStyle, tag: Option<CoreTag>) -> Value<'s> {
    match tag {
        Some(CoreTag::Str) => return Value::Str(text),
        Some(CoreTag::Int) => return parse_int(text).map_or(Value::Str(text), Value::Int),
        Some(CoreTag::Float) => {
            return parse_float(text)
                .or_else(|| parse_int(text).map(|i| i as f64))
                .map_or(Value::Str(text), Value::Float)
        }
        Some(CoreTag::Bool) => return parse_bool(text).map_or(Value::Str(text), Value::Bool),
        Some(CoreTag::Null) => return Value::Null,
        None => {}
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') {
        if let Some(i) = parse_int(text) {
            return Value::Int(i);
        }
        if let Some(f) = parse_float(text) {
            return Value::Float(f);
        }
    }
    Value::Str(text)
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// go-yaml v2: underscores removed, then Go's `ParseInt(s, 0, 64)`: optional sign, `0b`, `0o`,
/// `0x` prefixes, and a leading `0` meaning octal.
fn parse_int(text: &str) -> Option<i64> {
    let cleaned: String;
    let s = if text.contains('_') {
        cleaned = text.replace('_', "");
        cleaned.as_str()
    } else {
        text
    };
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r)
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r)
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// YAML 1.1 floats as go-yaml v2 accepts them, plus `.inf` and `.nan`.
fn parse_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let s = text.replace('_', "");
    let body = s.strip_prefix(['+', '-']).unwrap_or(&s);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let ok_mantissa = match frac {
        Some(f) => digits(int_part) && digits(f) && !(int_part.is_empty() && f.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let ok_exp = match exp {
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        }
        None => true,
    };
    if ok_mantissa && ok_exp {
        s.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Value<'_> {
        resolve(s, ScalarStyle::Plain, None)
    }

    #[test]
    fn yaml_1_1_integers() {
        assert_eq!(plain("0644"), Value::Int(420));
        assert_eq!(plain("0x1F"), Value::Int(31));
        assert_eq!(plain("0b101"), Value::Int(5));
        assert_eq!(plain("1_000"), Value::Int(1000));
        assert_eq!(plain("-3"), Value::Int(-3));
        assert_eq!(plain("+3"), Value::Int(3));
        assert_eq!(plain("0"), Value::Int(0));
        // go-yaml v2: not valid octal, but its float pattern matches.
        assert_eq!(plain("09"), Value::Float(9.0));
        assert_eq!(plain("99999999999999999999"), Value::Float(1e20));
    }

    #[test]
    fn yaml_1_1_booleans_and_nulls() {
        for t in ["yes", "on", "ON", "True", "y"] {
            assert_eq!(plain(t), Value::Bool(true), "{t}");
        }
        for f in ["no", "off", "N", "false"] {
            assert_eq!(plain(f), Value::Bool(false), "{f}");
        }
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain(""), Value::Null);
        assert_eq!(plain("yess"), Value::Str("yess"));
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(plain("1.5"), Value::Float(1.5));
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain("25%"), Value::Str("25%"));
        assert_eq!(plain("1.2.3"), Value::Str("1.2.3"));
        assert_eq!(plain("."), Value::Str("."));
        assert!(matches!(plain(".nan"), Value::Float(f) if f.is_nan()));
    }

    #[test]
    fn flow_scalars_read_back_as_the_same_string() {
        assert_eq!(flow_scalar("web"), "web");
        assert_eq!(flow_scalar("my-app.v2"), "my-app.v2");
        assert_eq!(flow_scalar("true"), "\"true\"");
        assert_eq!(flow_scalar("1.0"), "\"1.0\"");
        assert_eq!(flow_scalar(""), "\"\"");
        assert_eq!(flow_scalar("a\"b"), "\"a\\\"b\"");
        for s in ["web", "true", "1.0", "", "0644", "yes"] {
            let quoted = flow_scalar(s);
            let style = if quoted.starts_with('"') {
                ScalarStyle::DoubleQuoted
            } else {
                ScalarStyle::Plain
            };
            let inner = quoted.trim_matches('"');
            assert_eq!(resolve(inner, style, None), Value::Str(inner), "{s}");
        }
    }

    #[test]
    fn quoted_and_tagged() {
        assert_eq!(
            resolve("3", ScalarStyle::DoubleQuoted, None),
            Value::Str("3")
        );
        assert_eq!(
            resolve("3", ScalarStyle::Plain, Some(CoreTag::Str)),
            Value::Str("3")
        );
        assert_eq!(
            resolve("3", ScalarStyle::SingleQuoted, Some(CoreTag::Int)),
            Value::Int(3)
        );
    }
}
