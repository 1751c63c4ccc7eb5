//! JSON details the schema states and serde would otherwise disagree with: JSON Schema counts
//! `537.0` as an integer, so id fields accept integral floats; consent checkboxes are
//! documented as `enum: [true]` because only `true` is accepted.

use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// Deserialize an i64 from an integer or an integral float (`537.0`).
pub fn integral<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f <= i64::MAX as f64 => Ok(f as i64),
        _ => Err(serde::de::Error::custom("expected an integer")),
    }
}

/// Like [`integral`] for optional fields.
pub fn integral_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let n = Option::<serde_json::Number>::deserialize(d)?;
    match n {
        None => Ok(None),
        Some(n) => integral(serde_json::Value::Number(n))
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// Schema of a checkbox that must be ticked.
pub fn must_be_true() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
        .description(Some("must be true"))
        .into()
}
