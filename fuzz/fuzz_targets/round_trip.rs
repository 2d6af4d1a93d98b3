#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|spec: sipcert_testkit::fuzz_checks::round_trip::UriSpec| {
    sipcert_testkit::fuzz_checks::round_trip::check(&spec)
});
