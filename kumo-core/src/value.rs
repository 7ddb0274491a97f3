//! Typed values: a literal of a type, or an intrinsic function that yields that type.
//!
//! Every property, parameter default and output in kumo is a [`Value<T>`]. A `Value<T>` is built
//! either from a literal of `T` (`"text"`, `30`, `true`, a list, a map, a property struct) or from
//! an intrinsic function whose result type is `T` ([`crate::intrinsic::sub`] yields a string,
//! [`crate::intrinsic::get_azs`] a list of strings). A value of the wrong type does not compile:
//!
//! ```compile_fail
//! use kumo_core::{intrinsic, Value};
//! // Fn::GetAZs yields a list of strings, not a string.
//! let name: Value<String> = intrinsic::get_azs("").into();
//! ```
//!
//! Where CloudFormation converts between types itself, the conversion is explicit and changes no
//! JSON: [`Value::to_text`] (a number or boolean as a string), [`Value::to_bool`] (a
//! `"true"`/`"false"` string), [`Value::to_f64`] (an integer as a double) and [`Value::to_json`]
//! (any value as `Json`). Property setters take [`IntoValue`], whose compile error names them.
//!
//! Internally a value is its CloudFormation JSON, so emitting a template never re-encodes it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::{Serialize, Serializer};

/// A JSON document as CloudFormation reads it (`serde_json::Value`).
///
/// Also the type parameter of [`Value`] for properties the specification types only as JSON.
pub type Json = serde_json::Value;

/// Whether serde_json's maps keep their keys sorted, as kumo writes them.
///
/// They do unless a crate anywhere in the build turns on serde_json's `preserve_order` feature
/// (Cargo unifies features across a build): a map then keeps the order its keys were inserted
/// in, and the same stack source would write another template. Writers then go through
/// [`Sorted`].
pub(crate) fn maps_sort() -> bool {
    static SORT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORT.get_or_init(|| {
        let mut map = serde_json::Map::new();
        map.insert("b".to_owned(), Json::Null);
        map.insert("a".to_owned(), Json::Null);
        map.keys().next().is_some_and(|first| first == "a")
    })
}

/// A borrowed JSON value (or map, list, option of one, or a declaration of the model holding
/// some) written with the keys of its objects sorted, even when [`maps_sort`] is false; when it
/// is true, written as the value's own `Serialize` writes it. Nothing is copied either way.
pub(crate) struct Sorted<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: SortedJson + ?Sized> Serialize for Sorted<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_sorted(serializer)
    }
}

/// What [`Sorted`] can write: JSON, and what holds it.
pub(crate) trait SortedJson {
    /// Writes `self` with the keys of its objects sorted.
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// For `#[serde(serialize_with = "crate::value::write_sorted")]`: writes a field through
/// [`Sorted`].
pub(crate) fn write_sorted<T: SortedJson + ?Sized, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize_sorted(serializer)
}

impl SortedJson for Json {
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            _ if maps_sort() => self.serialize(serializer),
            Json::Object(object) => object.serialize_sorted(serializer),
            Json::Array(items) => items.serialize_sorted(serializer),
            other => other.serialize(serializer),
        }
    }
}

impl SortedJson for serde_json::Map<String, Json> {
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if maps_sort() {
            return self.serialize(serializer);
        }
        let mut entries: Vec<(&String, &Json)> = self.iter().collect();
        entries.sort_unstable_by_key(|&(key, _)| key);
        serializer.collect_map(entries.into_iter().map(|(key, value)| (key, Sorted(value))))
    }
}

impl<V: SortedJson> SortedJson for BTreeMap<String, V> {
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(key, value)| (key, Sorted(value))))
    }
}

impl SortedJson for [Json] {
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Sorted))
    }
}

impl SortedJson for Vec<Json> {
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize_sorted(serializer)
    }
}

impl SortedJson for Option<Json> {
    fn serialize_sorted<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Sorted(value)),
            None => serializer.serialize_none(),
        }
    }
}

/// The compact JSON text, as `Json`'s `Display` writes it, with the keys of its objects sorted.
impl fmt::Display for Sorted<'_, Json> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

/// A value of CloudFormation type `T`: a literal, or an intrinsic function that yields a `T`.
///
/// ```
/// use kumo_core::{intrinsic, pseudo, Value};
///
/// let literal: Value<String> = "logs".into();
/// let computed: Value<String> = intrinsic::sub("${AWS::StackName}-logs");
/// let count: Value<i64> = 3.into();
/// let zones: Value<Vec<String>> = intrinsic::get_azs(pseudo::region());
/// let names: Value<Vec<String>> = ["a", "b"].into();
///
/// assert_eq!(literal.as_json(), &serde_json::json!("logs"));
/// assert_eq!(computed.as_json(), &serde_json::json!({"Fn::Sub": "${AWS::StackName}-logs"}));
/// assert!(computed.is_intrinsic() && !literal.is_intrinsic());
/// # let _ = (count, zones, names);
/// ```
pub struct Value<T> {
    json: Json,
    kind: PhantomData<fn() -> T>,
}

impl<T> Value<T> {
    /// Wraps JSON that the caller vouches yields a `T`: the escape hatch for shapes kumo does not
    /// model. Prefer the typed constructors.
    pub fn from_json_unchecked(json: Json) -> Self {
        Value {
            json,
            kind: PhantomData,
        }
    }

    /// The CloudFormation JSON of this value.
    pub fn as_json(&self) -> &Json {
        &self.json
    }

    /// The CloudFormation JSON of this value.
    pub fn into_json(self) -> Json {
        self.json
    }

    /// This value as a `Json` value, for a property the specification types only as JSON (or
    /// [`crate::intrinsic::to_json_string`]). The JSON is unchanged.
    ///
    /// ```
    /// use kumo_core::{intrinsic, Json, Value};
    /// let subnets: Value<Json> = intrinsic::reference::<Vec<String>>("Subnets").to_json();
    /// assert_eq!(subnets.into_json(), serde_json::json!({"Ref": "Subnets"}));
    /// ```
    pub fn to_json(&self) -> Value<Json> {
        self.retyped()
    }

    /// The same JSON as a value of another type, for the explicit conversions.
    fn retyped<U>(&self) -> Value<U> {
        Value::from_json_unchecked(self.json.clone())
    }

    /// Whether this value is an intrinsic function (`Ref`, `Fn::*`), resolved by CloudFormation.
    pub fn is_intrinsic(&self) -> bool {
        match &self.json {
            Json::Object(map) if map.len() == 1 => map
                .keys()
                .next()
                .is_some_and(|key| key == "Ref" || key.starts_with("Fn::")),
            _ => false,
        }
    }
}

impl Value<i64> {
    /// This number as a string, for a string property: CloudFormation converts a number where
    /// it takes a string, so the JSON is unchanged (a `Number` parameter's `Ref` stays a `Ref`).
    ///
    /// ```
    /// use kumo_core::{intrinsic, Value};
    /// let port: Value<String> = intrinsic::reference::<i64>("Port").to_text();
    /// assert_eq!(port.into_json(), serde_json::json!({"Ref": "Port"}));
    /// ```
    pub fn to_text(&self) -> Value<String> {
        self.retyped()
    }

    /// This integer as a double, for a property that takes a fractional number. The JSON is
    /// unchanged.
    ///
    /// ```
    /// use kumo_core::Value;
    /// let threshold: Value<f64> = Value::<i64>::from(80).to_f64();
    /// assert_eq!(threshold.into_json(), serde_json::json!(80));
    /// ```
    pub fn to_f64(&self) -> Value<f64> {
        self.retyped()
    }
}

impl Value<f64> {
    /// This number as a string, for a string property; the JSON is unchanged, like
    /// [`Value::<i64>::to_text`](Value#method.to_text).
    pub fn to_text(&self) -> Value<String> {
        self.retyped()
    }
}

impl Value<bool> {
    /// This boolean as a string (`"true"`/`"false"` once CloudFormation converts it), for a
    /// string property. The JSON is unchanged.
    pub fn to_text(&self) -> Value<String> {
        self.retyped()
    }
}

impl Value<String> {
    /// This string as a boolean, for a boolean property: CloudFormation reads the strings
    /// `"true"` and `"false"` as booleans, so a `String` parameter restricted to them can set one.
    /// The JSON is unchanged; another string fails when CloudFormation reads the template.
    ///
    /// ```
    /// use kumo_core::{intrinsic, Value};
    /// let versioned: Value<bool> = intrinsic::reference::<String>("Versioned").to_bool();
    /// assert_eq!(versioned.into_json(), serde_json::json!({"Ref": "Versioned"}));
    /// ```
    pub fn to_bool(&self) -> Value<bool> {
        self.retyped()
    }
}

/// What a property setter takes: anything that converts into a `Value<T>` (a literal of `T`, an
/// intrinsic that yields `T`, a `Value<T>`).
///
/// It differs from `Into<Value<T>>` only in its compile error, which names the explicit
/// conversions between CloudFormation types:
///
/// ```compile_fail
/// use kumo_core::{intrinsic, IntoValue, Value};
/// fn threshold(_: impl IntoValue<f64>) {}
/// threshold(intrinsic::reference::<i64>("Threshold")); // needs `.to_f64()`
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `Value<{T}>`",
    label = "expected a `Value<{T}>` or a literal of `{T}`",
    note = "a value of another CloudFormation type converts explicitly: `.to_text()` (a number \
            or boolean to a string), `.to_bool()` (a \"true\"/\"false\" string to a boolean), \
            `.to_f64()` (an integer to a double), `.to_json()` (any value to JSON)"
)]
pub trait IntoValue<T> {
    /// The value.
    fn into_value(self) -> Value<T>;
}

// Not recommended in errors: the error then names `IntoValue` and its conversions rather
// than the `From` impls behind it.
#[diagnostic::do_not_recommend]
impl<T, U: Into<Value<T>>> IntoValue<T> for U {
    fn into_value(self) -> Value<T> {
        self.into()
    }
}

impl<T> Clone for Value<T> {
    fn clone(&self) -> Self {
        Value::from_json_unchecked(self.json.clone())
    }
}

impl<T> PartialEq for Value<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json == other.json
    }
}

impl<T> Eq for Value<T> {}

impl<T> fmt::Debug for Value<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value({})", self.json)
    }
}

/// A value is written with the keys of its objects sorted, even when a crate of the build turns on
/// serde_json's `preserve_order`.
impl<T> Serialize for Value<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Sorted(&self.json).serialize(serializer)
    }
}

impl<T> From<Value<T>> for Json {
    fn from(value: Value<T>) -> Self {
        value.json
    }
}

/// A structured CloudFormation type: a property type of a resource, or an IAM policy document.
///
/// Implementing it makes `Value<Self>` constructible from `Self`. Generated property types and
/// [`crate::iam::PolicyDocument`] implement it.
pub trait PropertyType {
    /// The CloudFormation JSON of this value.
    fn into_json(self) -> Json;
}

impl<S: PropertyType> From<S> for Value<S> {
    fn from(value: S) -> Self {
        Value::from_json_unchecked(value.into_json())
    }
}

macro_rules! literal {
    ($target:ty: $($source:ty),+) => {$(
        impl From<$source> for Value<$target> {
            fn from(value: $source) -> Self {
                Value::from_json_unchecked(Json::from(value))
            }
        }
    )+};
}

literal!(String: &str, String, Cow<'_, str>);
literal!(i64: i8, i16, i32, i64, u8, u16, u32);
literal!(f64: f32, f64, i8, i16, i32, u8, u16, u32);
literal!(bool: bool);
literal!(Json: Json);

impl From<&String> for Value<String> {
    fn from(value: &String) -> Self {
        Value::from_json_unchecked(Json::String(value.clone()))
    }
}

impl From<char> for Value<String> {
    fn from(value: char) -> Self {
        Value::from_json_unchecked(Json::String(value.to_string()))
    }
}

impl<T, U: Into<Value<T>>> From<Vec<U>> for Value<Vec<T>> {
    fn from(items: Vec<U>) -> Self {
        items.into_iter().collect()
    }
}

impl<T, U: Into<Value<T>>, const N: usize> From<[U; N]> for Value<Vec<T>> {
    fn from(items: [U; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T, U: Into<Value<T>>> FromIterator<U> for Value<Vec<T>> {
    fn from_iter<I: IntoIterator<Item = U>>(items: I) -> Self {
        Value::from_json_unchecked(Json::Array(
            items.into_iter().map(|item| item.into().json).collect(),
        ))
    }
}

impl<K: Into<String>, T, U: Into<Value<T>>> From<BTreeMap<K, U>> for Value<BTreeMap<String, T>> {
    fn from(entries: BTreeMap<K, U>) -> Self {
        entries.into_iter().collect()
    }
}

impl<K: Into<String>, T, U: Into<Value<T>>, const N: usize> From<[(K, U); N]>
    for Value<BTreeMap<String, T>>
{
    fn from(entries: [(K, U); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K: Into<String>, T, U: Into<Value<T>>> FromIterator<(K, U)> for Value<BTreeMap<String, T>> {
    fn from_iter<I: IntoIterator<Item = (K, U)>>(entries: I) -> Self {
        Value::from_json_unchecked(Json::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key.into(), value.into().json))
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn literals_are_their_json() {
        assert_eq!(Value::<String>::from("a").into_json(), json!("a"));
        assert_eq!(Value::<i64>::from(42).into_json(), json!(42));
        assert_eq!(Value::<f64>::from(1.5).into_json(), json!(1.5));
        assert_eq!(Value::<f64>::from(2).into_json(), json!(2));
        assert_eq!(Value::<bool>::from(true).into_json(), json!(true));
        assert_eq!(
            Value::<Json>::from(json!({"k": [1]})).into_json(),
            json!({"k": [1]})
        );
    }

    #[test]
    fn lists_mix_literals_and_intrinsics() {
        let list: Value<Vec<String>> =
            vec![Value::from("a"), crate::intrinsic::reference("Bucket")].into();
        assert_eq!(list.into_json(), json!(["a", {"Ref": "Bucket"}]));
        let empty: Value<Vec<i64>> = Vec::<i64>::new().into();
        assert_eq!(empty.into_json(), json!([]));
    }

    #[test]
    fn maps_are_sorted_by_key() {
        let map: Value<BTreeMap<String, String>> = [("b", "2"), ("a", "1")].into();
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"a":"1","b":"2"}"#);
    }

    #[test]
    fn conversions_keep_the_json() {
        let port = crate::intrinsic::reference::<i64>("Port");
        assert_eq!(port.to_text().into_json(), json!({"Ref": "Port"}));
        assert_eq!(port.to_f64().into_json(), json!({"Ref": "Port"}));
        assert_eq!(port.to_json().into_json(), json!({"Ref": "Port"}));
        assert_eq!(Value::<f64>::from(1.5).to_text().into_json(), json!(1.5));
        assert_eq!(Value::<bool>::from(true).to_text().into_json(), json!(true));
        assert_eq!(
            Value::<String>::from("false").to_bool().into_json(),
            json!("false")
        );
        let list: Value<Vec<String>> = ["a"].into();
        assert_eq!(list.to_json().into_json(), json!(["a"]));
    }

    #[cfg(all(feature = "sqs", feature = "cloudwatch", feature = "events"))]
    #[test]
    fn setters_take_the_conversions() {
        use crate::intrinsic::reference;
        use crate::resources::{cloudwatch, events, sqs};
        use crate::typed::ResourceType;

        let queue = sqs::Queue::new()
            .queue_name(reference::<i64>("Suffix").to_text())
            .fifo_queue(reference::<String>("Fifo").to_bool());
        let alarm = cloudwatch::Alarm::new().threshold(reference::<i64>("Limit").to_f64());
        let rule = events::Rule::new().event_pattern(reference::<Vec<String>>("P").to_json());
        assert_eq!(
            queue.resource().properties()["QueueName"],
            json!({"Ref": "Suffix"})
        );
        assert_eq!(
            queue.resource().properties()["FifoQueue"],
            json!({"Ref": "Fifo"})
        );
        assert_eq!(
            alarm.resource().properties()["Threshold"],
            json!({"Ref": "Limit"})
        );
        assert_eq!(
            rule.resource().properties()["EventPattern"],
            json!({"Ref": "P"})
        );
    }

    #[test]
    fn into_value_is_into() {
        fn set(value: impl IntoValue<Vec<String>>) -> Json {
            value.into_value().into_json()
        }
        assert_eq!(set(["a", "b"]), json!(["a", "b"]));
        assert_eq!(
            set(crate::intrinsic::get_azs("")),
            json!({"Fn::GetAZs": ""})
        );
    }

    #[test]
    fn intrinsic_detection() {
        assert!(crate::intrinsic::reference::<String>("X").is_intrinsic());
        assert!(!Value::<Json>::from(json!({"Ref": "X", "Other": 1})).is_intrinsic());
        assert!(!Value::<Json>::from(json!({"Key": "X"})).is_intrinsic());
    }
}
