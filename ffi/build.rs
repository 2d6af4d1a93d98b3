//! Gives the shared library the SONAME `libsipcert.so.<major>` on ELF targets, the name the
//! installed library has (`ffi/install.sh`, cargo-c with `version_suffix_components = 1`), so
//! that a program linked with `-lsipcert` records a versioned dependency and not the bare
//! `libsipcert.so` of a development package.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux"
            | "android"
            | "freebsd"
            | "netbsd"
            | "openbsd"
            | "dragonfly"
            | "illumos"
            | "solaris"
    );
    if elf {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsipcert.so.{major}");
    }
}
