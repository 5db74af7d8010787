//! The API contract: the spec and the server agree on every operation, and
//! every error code the server can produce is enumerated in the spec.

use imwallet_sandbox::problem::ErrorCode;
use imwallet_sandbox::routes;
use imwallet_tests::spec;

#[test]
fn every_spec_operation_is_served_and_every_route_is_in_the_spec() {
    let mut served: Vec<(String, String)> = routes::list()
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    served.sort();
    let documented = spec::operations();
    let missing: Vec<_> = documented.iter().filter(|o| !served.contains(o)).collect();
    let undocumented: Vec<_> = served.iter().filter(|o| !documented.contains(o)).collect();
    assert!(
        missing.is_empty(),
        "in the spec but not served: {missing:?}"
    );
    assert!(
        undocumented.is_empty(),
        "served but not in the spec: {undocumented:?}"
    );
}

#[test]
fn the_spec_enumerates_exactly_the_servers_error_codes() {
    let enumerated: Vec<String> = spec::spec()["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let served: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(enumerated, served);
}

#[test]
fn money_moving_posts_require_an_idempotency_key_in_the_spec() {
    let spec = spec::spec();
    for path in [
        "/v1/top-ups",
        "/v1/payments",
        "/v1/transfers",
        "/v1/withdrawals",
        "/v1/fx/conversions",
        "/v1/sandbox/transactions/{transaction_id}/reverse",
        "/v1/sandbox/withdrawals/{transaction_id}/complete",
        "/v1/sandbox/risk/holds/{transaction_id}/release",
        "/v1/sandbox/risk/holds/{transaction_id}/reject",
    ] {
        let params = spec["paths"][path]["post"]["parameters"]
            .as_array()
            .unwrap();
        assert!(
            params
                .iter()
                .any(|p| p["$ref"] == "#/components/parameters/IdempotencyKey"),
            "{path}"
        );
    }
}
