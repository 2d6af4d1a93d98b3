#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sipcert_fuzz::checks::domain::check_bytes(data));
