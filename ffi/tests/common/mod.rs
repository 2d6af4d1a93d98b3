//! What the C tests share: the compiler, and whether LeakSanitizer works here.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// The C compiler: `$CC`, else `cc`.
pub(crate) fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_owned())
}

/// Whether LeakSanitizer works here (it needs ptrace-like access that some sandboxes deny):
/// a program that leaks, built in `dir`, must be reported. `SIPCERT_FFI_VALGRIND=1` takes the
/// valgrind path regardless.
pub(crate) fn lsan_works(dir: &Path) -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        if std::env::var("SIPCERT_FFI_VALGRIND").as_deref() == Ok("1") {
            return false;
        }
        let src = dir.join("leak.c");
        std::fs::write(
            &src,
            "#include <stdlib.h>\nvoid *volatile keep;\nint main(void) { keep = malloc(7); keep = 0; return 0; }\n",
        )
        .expect("write leak.c");
        let exe = dir.join("leak");
        let built = Command::new(cc())
            .args(["-fsanitize=address", "-g"])
            .arg(&src)
            .arg("-o")
            .arg(&exe)
            .output()
            .is_ok_and(|o| o.status.success());
        built
            && Command::new(&exe)
                .env("ASAN_OPTIONS", "detect_leaks=1")
                .output()
                .is_ok_and(|o| {
                    !o.status.success()
                        && String::from_utf8_lossy(&o.stderr).contains("LeakSanitizer")
                })
    })
}
