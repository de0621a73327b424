//! Makes a thumbnail (or the upload-ready picture) of one file, as the app
//! would, in its own process: `cargo run --release --example thumbnail -- IN OUT`
//! or `... -- --prepare 16:9 crop IN OUT`. The thumbnail benchmark times this.

use std::path::PathBuf;
use std::process::ExitCode;

use veo_desk::images::{self, Focus, PrepareOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, size, fit, input, output] if flag == "--prepare" => {
            prepare(size, fit, input, output)
        }
        [input, output] => thumbnail(input, output),
        _ => {
            eprintln!("usage: thumbnail IN OUT | thumbnail --prepare SIZE FIT IN OUT");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

fn thumbnail(input: &str, output: &str) -> veo_desk::Result<()> {
    let thumb = images::render_thumbnail(&PathBuf::from(input))?;
    write(output, &thumb.bytes)
}

fn prepare(size: &str, fit: &str, input: &str, output: &str) -> veo_desk::Result<()> {
    let options = PrepareOptions {
        aspect: size.parse()?,
        fit: fit.parse()?,
        focus: Focus::default(),
    };
    let prepared = images::prepare_reference(&PathBuf::from(input), &options)?;
    write(output, &prepared.bytes)
}

fn write(output: &str, bytes: &[u8]) -> veo_desk::Result<()> {
    std::fs::write(output, bytes).map_err(|e| {
        let file = veo_desk::paths::at(
            veo_desk::texts::COULD_NOT_SAVE_FILE,
            std::path::Path::new(output),
        );
        veo_desk::paths::io_error(file, e)
    })
}
