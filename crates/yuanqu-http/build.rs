//! The UI is embedded from `web/dist`; make sure the folder exists so the crate compiles before
//! the UI was built (the server then says how to build it).
fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist");
    let _ = std::fs::create_dir_all(&dist);
    println!("cargo:rerun-if-changed=../../web/dist");
}
