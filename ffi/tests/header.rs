//! `include/sipcert.h` is what cbindgen generates from `src/lib.rs` with `cbindgen.toml`:
//! a stale committed header fails here. `SIPCERT_BLESS=1` rewrites it. The header's
//! `SIPCERT_VERSION_*` macros are the crate version.

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

/// `SIPCERT_VERSION_MAJOR/MINOR/PATCH` in the committed header are the package version (a
/// version bump without updating the constants in `src/lib.rs` fails here).
#[test]
fn version_macros_are_the_crate_version() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/sipcert.h");
    let header = std::fs::read_to_string(&path).expect("include/sipcert.h");
    for (name, want) in [
        ("MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let line = format!("#define SIPCERT_VERSION_{name} {want}\n");
        assert!(
            header.contains(&line),
            "{}: no `{}` (the crate version is {})",
            path.display(),
            line.trim_end(),
            env!("CARGO_PKG_VERSION")
        );
    }
    assert_eq!(
        format!(
            "{}.{}.{}",
            sipcert_ffi::SIPCERT_VERSION_MAJOR,
            sipcert_ffi::SIPCERT_VERSION_MINOR,
            sipcert_ffi::SIPCERT_VERSION_PATCH
        ),
        env!("CARGO_PKG_VERSION")
    );
}

/// What a C developer must know from the header alone: a verify callback sets an error on a
/// reject, and a resumed session skips the check (key sessions by SIP domain).
#[test]
fn header_warns_about_callback_errors_and_resumption() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/sipcert.h");
    let header = std::fs::read_to_string(&path).expect("include/sipcert.h");
    for needle in [
        "X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REJECTED)",
        "internal_error(80)",
        "resumption skips the verify callback",
        "SSL_set_session",
        "SSL_SESS_CACHE_OFF",
        "RFC 5923",
    ] {
        assert!(header.contains(needle), "{}: no `{needle}`", path.display());
    }
}
