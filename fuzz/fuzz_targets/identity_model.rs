#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: sipcert_fuzz::checks::identity::CertSpec| {
    let _ = sipcert_fuzz::checks::identity::check_model(&spec);
});
