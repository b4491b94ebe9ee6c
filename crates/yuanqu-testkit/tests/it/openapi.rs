//! AZ-01: routes = policy entries = OpenAPI operations; the OpenAPI document is snapshotted.

use std::collections::BTreeSet;

use yuanqu_http::policy::POLICY;

fn openapi_operations() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(yuanqu_http::openapi()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn az01_routes_equal_policy_entries_equal_openapi_operations() {
    let routes: BTreeSet<(String, String)> = yuanqu_http::routes().unwrap().declared().iter().cloned().collect();
    let policy: BTreeSet<(String, String)> = POLICY.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(routes, policy, "router vs policy table");
    assert_eq!(openapi_operations(), policy, "OpenAPI vs policy table");
    assert_eq!(POLICY.len(), policy.len(), "duplicate policy entries");
}

#[test]
fn openapi_document_snapshot() {
    let doc = serde_json::to_value(yuanqu_http::openapi()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    insta::assert_json_snapshot!("openapi", doc);
}

#[test]
fn the_web_clients_openapi_json_is_the_servers_document() {
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../../../web/openapi.json")).expect("web/openapi.json parses");
    let served = serde_json::to_value(yuanqu_http::openapi()).unwrap();
    assert!(committed == served, "web/openapi.json is stale: run `cargo xtask openapi`");
}
