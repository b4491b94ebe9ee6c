//! Invariant 1: dependencies point inward. The domain crate must not depend on IO or
//! framework crates, directly or transitively.

use std::process::Command;

#[test]
fn domain_depends_on_no_io_or_framework_crate() {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "-p", "yuanqu-domain", "-e", "normal", "--prefix", "none", "--offline"])
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    for banned in ["sea-orm", "sqlx", "axum", "tokio", "hyper", "yuanqu-store", "yuanqu-app"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{banned} "))),
            "yuanqu-domain depends on {banned}:\n{tree}"
        );
    }
}
