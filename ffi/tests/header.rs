//! `include/sipcert.h` is what cbindgen generates from `src/lib.rs` with `cbindgen.toml`:
//! a stale committed header fails here. `SIPCERT_BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn header_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("UTF-8 header");
    let path = dir.join("include/sipcert.h");
    if std::env::var("SIPCERT_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).expect("write include/sipcert.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: regenerate it with `SIPCERT_BLESS=1 cargo test -p sipcert-ffi --test header`",
        path.display()
    );
}
