#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|der: &[u8]| sipcert_fuzz::checks::identity::check_der(der));
