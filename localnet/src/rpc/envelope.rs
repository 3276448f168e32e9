//! JSON-RPC 2.0 framing: single calls, batches, notifications, and the spec's error answers.
//! Pure: the caller supplies how one call is answered.
use crate::error::RpcError;
use serde_json::{json, Map, Value};

/// One well-formed call taken out of a request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: String,
    pub params: Value,
    /// `None` for a notification, which gets no answer.
    pub id: Option<Value>,
}

/// Checks one request object; on failure returns the error answer to send (id `null` when the
/// id itself is unusable, as the spec says).
pub fn parse_call(request: Value) -> Result<Call, Value> {
    let Value::Object(mut obj) = request else {
        return Err(answer(&Value::Null, Err(RpcError::invalid_request())));
    };
    let id = obj.remove("id");
    let id_ok = matches!(id, None | Some(Value::Null | Value::Number(_) | Value::String(_)));
    let reply_id = if id_ok { id.clone().unwrap_or(Value::Null) } else { Value::Null };
    if !id_ok || obj.get("jsonrpc") != Some(&Value::String("2.0".into())) {
        return Err(answer(&reply_id, Err(RpcError::invalid_request())));
    }
    let method = match obj.remove("method") {
        Some(Value::String(m)) => m,
        _ => return Err(answer(&reply_id, Err(RpcError::invalid_request()))),
    };
    let params = match obj.remove("params") {
        None | Some(Value::Null) => Value::Array(vec![]),
        Some(p @ (Value::Array(_) | Value::Object(_))) => p,
        Some(_) => return Err(answer(&reply_id, Err(RpcError::invalid_request()))),
    };
    Ok(Call { method, params, id })
}

/// The response object for one call.
pub fn answer(id: &Value, result: Result<Value, RpcError>) -> Value {
    let mut obj = Map::new();
    obj.insert("jsonrpc".into(), json!("2.0"));
    match result {
        Ok(v) => obj.insert("result".into(), v),
        Err(e) => obj.insert("error".into(), e.to_json()),
    };
    obj.insert("id".into(), id.clone());
    Value::Object(obj)
}

/// Answers a whole request body. `None` means nothing is sent back (only notifications).
pub fn handle_body(body: &[u8], mut call: impl FnMut(&str, Value) -> Result<Value, RpcError>) -> Option<Value> {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Some(answer(&Value::Null, Err(RpcError::parse_error()))),
    };
    let mut one = |request: Value| -> Option<Value> {
        match parse_call(request) {
            Err(error_answer) => Some(error_answer),
            Ok(Call { method, params, id }) => {
                let result = call(&method, params);
                id.map(|id| answer(&id, result))
            }
        }
    };
    match parsed {
        Value::Array(requests) if requests.is_empty() => Some(answer(&Value::Null, Err(RpcError::invalid_request()))),
        Value::Array(requests) => {
            let answers: Vec<Value> = requests.into_iter().filter_map(&mut one).collect();
            (!answers.is_empty()).then_some(Value::Array(answers))
        }
        request => one(request),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(method: &str, params: Value) -> Result<Value, RpcError> {
        match method {
            "echo" => Ok(params),
            _ => Err(RpcError::method_not_found()),
        }
    }

    fn run(body: &str) -> Option<Value> {
        handle_body(body.as_bytes(), echo)
    }

    #[test]
    fn single_call_answers_with_its_id() {
        let a = run(r#"{"jsonrpc":"2.0","id":"x","method":"echo","params":[1]}"#).unwrap();
        assert_eq!(a, json!({"jsonrpc":"2.0","result":[1],"id":"x"}));
    }

    #[test]
    fn unparseable_body_is_parse_error_with_null_id() {
        let a = run(r#"{"jsonrpc":"2.0","id":1,"#).unwrap();
        assert_eq!(a["error"]["code"], -32700);
        assert_eq!(a["id"], Value::Null);
    }

    #[test]
    fn wrong_shapes_are_invalid_requests() {
        for body in [
            r#"1"#,
            r#"{"id":1,"method":"echo"}"#,
            r#"{"jsonrpc":"1.0","id":1,"method":"echo"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":7}"#,
            r#"{"jsonrpc":"2.0","id":[1],"method":"echo"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"echo","params":5}"#,
            r#"[]"#,
        ] {
            assert_eq!(run(body).unwrap()["error"]["code"], -32600, "{body}");
        }
    }

    #[test]
    fn batch_answers_each_call_and_skips_notifications() {
        let a = run(r#"[{"jsonrpc":"2.0","id":1,"method":"echo"},{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":2,"method":"nope"},3]"#)
            .unwrap();
        let a = a.as_array().unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0]["result"], json!([]));
        assert_eq!(a[1]["error"]["code"], -32601);
        assert_eq!(a[2]["error"]["code"], -32600);
        assert_eq!(run(r#"[{"jsonrpc":"2.0","method":"echo"}]"#), None);
    }
}
