#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: sipcert_testkit::fuzz_checks::identity::CertSpec| {
    let _ = sipcert_testkit::fuzz_checks::identity::check_model(&spec);
});
