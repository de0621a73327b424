//! The DC-only 1/8 JPEG decoder on arbitrary bytes: it must never panic, and a
//! picture it returns must be exactly as large as its frame header says.
#![no_main]

#[allow(dead_code)]
#[path = "../../src-tauri/core/images/jpeg_eighth.rs"]
mod jpeg_eighth;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(eighth) = jpeg_eighth::decode_eighth(data) {
        assert!(eighth.channels == 1 || eighth.channels == 3);
        assert!(eighth.width > 0 && eighth.height > 0);
        let expected = eighth.width as usize * eighth.height as usize * eighth.channels as usize;
        assert_eq!(eighth.pixels.len(), expected);
    }
});
