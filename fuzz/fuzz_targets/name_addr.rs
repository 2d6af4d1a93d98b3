#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| sipcert_testkit::fuzz_checks::uri::check_name_addr(input));
