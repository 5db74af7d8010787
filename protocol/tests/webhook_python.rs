//! The stdlib-only Python verifier of `docs/webhooks.md`, taken from the
//! document itself, against the same vectors as the Rust verifier
//! (`src/webhook_vectors.json`). Needs `python3` on the PATH.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;

const DOC: &str = include_str!("../../docs/webhooks.md");
const VECTORS: &str = include_str!("../src/webhook_vectors.json");

/// The first ```python block of the document.
fn snippet() -> &'static str {
    let start = DOC.find("```python\n").expect("a python block") + "```python\n".len();
    let len = DOC[start..].find("```").expect("the block ends");
    &DOC[start..start + len]
}

#[test]
fn the_documented_python_verifier_agrees_with_every_vector() {
    let harness = r#"
import json, sys
vectors = json.loads(sys.argv[1])["vectors"]
for v in vectors:
    try:
        t = verify(v["body"].encode(), v["header"], v["secret"], v["tolerance"], v["now"])
        got = "ok"
        assert t == v["timestamp"], (v["name"], t)
    except ValueError as e:
        got = e.args[0]
    if got != v["expect"]:
        sys.exit("%s: expected %s, got %s" % (v["name"], v["expect"], got))
print(len(vectors))
"#;
    let program = format!("{}\n{harness}", snippet());
    let out = Command::new("python3")
        .arg("-c")
        .arg(&program)
        .arg(VECTORS)
        .output()
        .expect("python3 is needed to test the documented verifier");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    assert!(n >= 10, "{n} vectors");
}
