//! Template values as the security tables show them: a `Ref` as `${X}`, a `Fn::GetAtt` as
//! `${X.Arn}`, a `Fn::Sub` as its string, a `Fn::Join` joined, as `cdk diff` writes them.

use serde_json::Map;

use crate::value::Sorted;
use crate::Json;

/// `value` as one line of text.
pub(crate) fn text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Object(map) if map.len() == 1 => {
            intrinsic(map).unwrap_or_else(|| Sorted(value).to_string())
        }
        other => Sorted(other).to_string(),
    }
}

/// `value` as a list of texts: each element of an array, else the one value.
pub(crate) fn list(value: &Json) -> Vec<String> {
    match value {
        Json::Array(items) => items.iter().map(text).collect(),
        other => vec![text(other)],
    }
}

/// `value` with every intrinsic in it replaced by its text, as compact JSON (a condition).
pub(crate) fn readable(value: &Json) -> String {
    fn walk(value: &Json) -> Json {
        match value {
            Json::Object(map) => match intrinsic(map) {
                Some(text) if map.len() == 1 => Json::String(text),
                _ => Json::Object(map.iter().map(|(k, v)| (k.clone(), walk(v))).collect()),
            },
            Json::Array(items) => Json::Array(items.iter().map(walk).collect()),
            other => other.clone(),
        }
    }
    Sorted(&walk(value)).to_string()
}

/// The text of a one-key object that is an intrinsic kumo can write out, else `None`.
fn intrinsic(map: &Map<String, Json>) -> Option<String> {
    let (name, argument) = map.iter().next()?;
    match (name.as_str(), argument) {
        ("Ref", Json::String(id)) => Some(format!("${{{id}}}")),
        ("Fn::GetAtt", Json::String(path)) => Some(format!("${{{path}}}")),
        ("Fn::GetAtt", Json::Array(parts)) => {
            let parts: Vec<String> = parts.iter().map(text).collect();
            Some(format!("${{{}}}", parts.join(".")))
        }
        ("Fn::Sub", Json::String(body)) => Some(body.clone()),
        ("Fn::Sub", Json::Array(parts)) => {
            let body = parts.first()?.as_str()?;
            let vars = parts.get(1).and_then(Json::as_object);
            Some(
                vars.into_iter()
                    .flatten()
                    .fold(body.to_owned(), |body, (k, v)| {
                        body.replace(&format!("${{{k}}}"), &text(v))
                    }),
            )
        }
        ("Fn::Join", Json::Array(parts)) => {
            let separator = parts.first()?.as_str()?;
            let items = parts.get(1)?.as_array()?;
            Some(items.iter().map(text).collect::<Vec<_>>().join(separator))
        }
        ("Fn::ImportValue", name) => Some(format!("${{Import:{}}}", text(name))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn objects_read_with_their_keys_sorted_whatever_order_maps_keep() {
        let condition = json!({"StringEquals": {"aws:SourceVpc": {"Ref": "Vpc"}, "aws:PrincipalTag/team": "jobs"}});
        assert_eq!(
            readable(&condition),
            r#"{"StringEquals":{"aws:PrincipalTag/team":"jobs","aws:SourceVpc":"${Vpc}"}}"#
        );
        assert_eq!(text(&json!({"z": 1, "a": 2})), r#"{"a":2,"z":1}"#);
        assert_eq!(list(&json!([{"z": 1, "a": 2}])), [r#"{"a":2,"z":1}"#]);
    }

    #[test]
    fn intrinsics_read_as_cdk_writes_them() {
        assert_eq!(text(&json!({"Ref": "Bucket"})), "${Bucket}");
        assert_eq!(
            text(&json!({"Fn::GetAtt": ["Bucket", "Arn"]})),
            "${Bucket.Arn}"
        );
        assert_eq!(text(&json!({"Fn::GetAtt": "Bucket.Arn"})), "${Bucket.Arn}");
        assert_eq!(
            text(&json!({"Fn::Sub": "${Bucket.Arn}/*"})),
            "${Bucket.Arn}/*"
        );
        assert_eq!(
            text(&json!({"Fn::Sub": ["${Arn}/*", {"Arn": {"Fn::GetAtt": ["B", "Arn"]}}]})),
            "${B.Arn}/*"
        );
        assert_eq!(
            text(&json!({"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "B"}, "/*"]]})),
            "arn:aws:s3:::${B}/*"
        );
        assert_eq!(
            text(&json!({"Fn::ImportValue": "shared-arn"})),
            "${Import:shared-arn}"
        );
        assert_eq!(
            text(&json!({"Fn::If": ["C", "a", "b"]})),
            r#"{"Fn::If":["C","a","b"]}"#
        );
        assert_eq!(text(&json!(443)), "443");
        assert_eq!(list(&json!(["a", {"Ref": "B"}])), ["a", "${B}"]);
        assert_eq!(
            readable(&json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})),
            r#"{"StringEquals":{"aws:SourceAccount":"${AWS::AccountId}"}}"#
        );
    }
}
