//! `api/openapi.yaml` loaded once: the list of operations, and a validator
//! that checks a response's status, content type and body against the
//! operation's documented response schema.

use crate::Resp;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The spec as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../api/openapi.yaml");
        let text = std::fs::read_to_string(path).expect("api/openapi.yaml");
        serde_yaml::from_str(&text).expect("api/openapi.yaml is YAML")
    })
}

/// `(METHOD, path)` of every operation in the spec.
pub fn operations() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in spec()["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| (a.starts_with('{') && !b.is_empty()) || a == b)
}

/// The template of the operation serving `path`, if any.
pub fn template_for(method: &str, path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let paths = spec()["paths"].as_object()?;
    // Prefer literal matches over templated ones.
    let mut candidates: Vec<&String> = paths
        .keys()
        .filter(|t| matches(t, path) && paths[*t].get(method.to_lowercase()).is_some())
        .collect();
    candidates.sort_by_key(|t| t.matches('{').count());
    candidates.first().map(|s| s.to_string())
}

fn escape(segment: &str) -> String {
    segment
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

fn validator(pointer: &str) -> &'static jsonschema::Validator {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static jsonschema::Validator>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(v) = map.get(pointer) {
        return v;
    }
    let mut root = spec().clone();
    root.as_object_mut()
        .unwrap()
        .insert("$ref".into(), Value::String(pointer.to_owned()));
    let built = jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("schema {pointer} does not compile: {e}"));
    let leaked: &'static jsonschema::Validator = Box::leak(Box::new(built));
    map.insert(pointer.to_owned(), leaked);
    leaked
}

fn resolve(value: &Value) -> &Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(
            spec()
                .pointer(r.trim_start_matches('#'))
                .expect("ref resolves"),
        ),
        None => value,
    }
}

/// Operations that have answered with a 2xx in this process.
pub fn succeeded() -> std::collections::BTreeSet<(String, String)> {
    SUCCEEDED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

static SUCCEEDED: Mutex<std::collections::BTreeSet<(String, String)>> =
    Mutex::new(std::collections::BTreeSet::new());

/// Panics unless the response is documented and its body validates. Routes
/// not in the spec are accepted only when they answered `404`/`405`.
#[track_caller]
pub fn validate_response(method: &str, path: &str, resp: &Resp) {
    let Some(template) = template_for(method, path) else {
        assert!(
            matches!(resp.status, 404 | 405),
            "{method} {path} is not in the spec but answered {}",
            resp.status
        );
        assert_eq!(
            resp.header("content-type"),
            Some("application/problem+json")
        );
        return;
    };
    if (200..300).contains(&resp.status) {
        SUCCEEDED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((method.to_owned(), template.clone()));
    }
    let op = &spec()["paths"][&template][method.to_lowercase()];
    let status = resp.status.to_string();
    let (key, response) = match op["responses"].get(&status) {
        Some(r) => (status.clone(), resolve(r)),
        None => {
            assert!(
                resp.status >= 400,
                "{method} {template}: undocumented success status {status}: {}",
                resp.body
            );
            ("default".to_owned(), resolve(&op["responses"]["default"]))
        }
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        assert!(
            resp.body.is_null(),
            "{method} {template} {status}: documented without a body but got {}",
            resp.body
        );
        return;
    };
    let ctype = resp.header("content-type").unwrap_or("");
    let media = content
        .keys()
        .find(|m| ctype.starts_with(m.as_str()))
        .unwrap_or_else(|| {
            panic!("{method} {template} {status}: content type {ctype:?} not documented")
        });
    let pointer = if response_is_ref(op, &key) {
        let r = op["responses"][&key]["$ref"].as_str().unwrap();
        format!("{r}/content/{}/schema", escape(media))
    } else {
        format!(
            "#/paths/{}/{}/responses/{}/content/{}/schema",
            escape(&template),
            method.to_lowercase(),
            key,
            escape(media)
        )
    };
    let v = validator(&pointer);
    let errors: Vec<String> = v
        .iter_errors(&resp.body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match {pointer}: {errors:?}\nbody: {}",
        resp.body
    );
}

fn response_is_ref(op: &Value, key: &str) -> bool {
    op["responses"][key].get("$ref").is_some()
}
