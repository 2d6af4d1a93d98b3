#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|der: &[u8]| sipcert_testkit::fuzz_checks::identity::check_der(der));
