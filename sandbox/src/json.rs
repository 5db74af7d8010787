//! Strict request parsing: JSON bodies and query strings whose every failure
//! becomes a specific problem+json code instead of axum's plain-text
//! rejections. Request types use `#[serde(deny_unknown_fields)]`.

use crate::problem::{ErrorCode, Problem};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// For an optional field that, when present, must not be `null` (the schema
/// gives it a type, not `[type, 'null']`): use with `#[serde(default,
/// deserialize_with = "present")]`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A JSON Schema `integer`: a number with no fractional part (`12` or
/// `12.0`) that fits `T`; `12.5` is `wrong_type`, `1e21` for an `i64` is
/// `invalid_value`.
pub fn integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    use serde::de::{Error, Unexpected};
    let n = serde_json::Number::deserialize(d)?;
    let out_of_range = || {
        D::Error::invalid_value(
            Unexpected::Other("a number out of range"),
            &"an integer in range",
        )
    };
    let whole = if let Some(i) = n.as_i64() {
        i
    } else if n.as_u64().is_some() {
        return Err(out_of_range());
    } else {
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
            Some(f) if f.fract() == 0.0 => return Err(out_of_range()),
            Some(f) => return Err(D::Error::invalid_type(Unexpected::Float(f), &"an integer")),
            None => {
                return Err(D::Error::invalid_type(
                    Unexpected::Other("number"),
                    &"an integer",
                ));
            }
        }
    };
    T::try_from(whole).map_err(|_| out_of_range())
}

/// [`integer`] for an optional field that is not nullable: use with
/// `#[serde(default, deserialize_with = "optional_integer")]`.
pub fn optional_integer<'de, D: Deserializer<'de>, T: TryFrom<i64>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    integer(d).map(Some)
}

/// serde's messages name Rust types (`expected u32`, `expected struct
/// MoneyWire`); a client reads JSON types instead.
fn json_types_only(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find("expected ") {
        out.push_str(&rest[..i + "expected ".len()]);
        rest = &rest[i + "expected ".len()..];
        let word_end = |s: &str| s.find([' ', ',']).unwrap_or(s.len());
        let (first, after) = rest.split_at(word_end(rest));
        let replaced = match first {
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
            | "i128" | "isize" => Some(("an integer", after)),
            "f32" | "f64" => Some(("a number", after)),
            "struct" | "enum" => {
                let after = after.trim_start();
                let (_, tail) = after.split_at(word_end(after));
                Some((
                    if first == "struct" {
                        "an object"
                    } else {
                        "one of its values"
                    },
                    tail,
                ))
            }
            _ => None,
        };
        if let Some((text, tail)) = replaced {
            out.push_str(text);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// A JSON body parsed strictly, with the raw bytes kept for the
/// idempotency fingerprint.
#[derive(Debug)]
pub struct Json<T> {
    /// The parsed value.
    pub value: T,
    /// The body exactly as received.
    pub raw: Bytes,
}

/// Maps a serde_json error to the most specific code.
pub fn classify(err: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    let msg = json_types_only(&err.to_string());
    let code = match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => ErrorCode::MalformedJson,
        Category::Data => {
            if msg.starts_with("unknown field") {
                ErrorCode::UnknownField
            } else if msg.starts_with("missing field") {
                ErrorCode::MissingField
            } else if msg.starts_with("invalid type") {
                ErrorCode::WrongType
            } else {
                ErrorCode::InvalidValue
            }
        }
    };
    Problem::new(code, msg)
}

/// Parses a JSON document strictly.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| classify(&e))
}

fn is_json_content_type(parts_ct: Option<&header::HeaderValue>) -> bool {
    let Some(value) = parts_ct.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json_content_type(req.headers().get(header::CONTENT_TYPE)) {
            return Err(Problem::of(ErrorCode::UnsupportedMediaType));
        }
        let raw = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::of(ErrorCode::PayloadTooLarge)
            } else {
                Problem::new(ErrorCode::MalformedJson, rejection.body_text())
            }
        })?;
        let value = parse(&raw)?;
        Ok(Json { value, raw })
    }
}

/// A query string parsed strictly.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|rejection| Problem::new(ErrorCode::InvalidQuery, rejection.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        count: u32,
    }

    fn code_of(body: &str) -> ErrorCode {
        match parse::<Sample>(body.as_bytes()) {
            Ok(_) => panic!("accepted {body}"),
            Err(p) => p.code,
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Whole {
        #[serde(deserialize_with = "integer")]
        n: i64,
        #[serde(default, deserialize_with = "optional_integer")]
        m: Option<u32>,
    }

    #[test]
    fn an_integral_float_is_an_integer_and_range_is_a_value_error() {
        let w: Whole = parse(br#"{"n": 85746.0, "m": 3.0}"#).unwrap();
        assert_eq!((w.n, w.m), (85746, Some(3)));
        let code = |b: &str| parse::<Whole>(b.as_bytes()).unwrap_err().code;
        assert_eq!(code(r#"{"n": 1.5}"#), ErrorCode::WrongType);
        assert_eq!(code(r#"{"n": 1.345e21}"#), ErrorCode::InvalidValue);
        assert_eq!(code(r#"{"n": 1, "m": -1}"#), ErrorCode::InvalidValue);
        assert_eq!(code(r#"{"n": 1, "m": null}"#), ErrorCode::WrongType);
    }

    #[test]
    fn error_details_name_json_types_not_rust_types() {
        assert_eq!(
            json_types_only("invalid type: string \"x\", expected u32 at line 1 column 9"),
            "invalid type: string \"x\", expected an integer at line 1 column 9"
        );
        assert_eq!(
            json_types_only("invalid type: null, expected struct MoneyWire at line 1"),
            "invalid type: null, expected an object at line 1"
        );
        assert_eq!(
            json_types_only("invalid type: integer `1`, expected a string"),
            "invalid type: integer `1`, expected a string"
        );
    }

    #[test]
    fn each_kind_of_bad_json_gets_its_own_code() {
        assert_eq!(code_of("{"), ErrorCode::MalformedJson);
        assert_eq!(code_of("nope"), ErrorCode::MalformedJson);
        assert_eq!(
            code_of(r#"{"name":"a","count":1,"x":2}"#),
            ErrorCode::UnknownField
        );
        assert_eq!(code_of(r#"{"name":"a"}"#), ErrorCode::MissingField);
        assert_eq!(code_of(r#"{"name":1,"count":1}"#), ErrorCode::WrongType);
        assert_eq!(
            code_of(r#"{"name":"a","count":-1}"#),
            ErrorCode::InvalidValue
        );
    }
}
