#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sipcert_testkit::fuzz_checks::stir::check_rfc4474(data));
