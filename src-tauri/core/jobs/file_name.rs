//! Names for saved videos: `2026-11-25 paper-boat-drifting-at-dusk abc123.mp4`.
//! Readable in a file manager, sortable by date, safe on every OS, never overwriting.

use std::path::{Path, PathBuf};

/// Longest prompt slug, in characters (whole names stay well under 255 bytes).
const SLUG_MAX: usize = 48;

/// The file name for a job made at `created_ms` (Unix ms) from `prompt`, tagged with
/// the first characters of `id`.
pub fn video_file_name(created_ms: i64, prompt: &str, id: &str) -> String {
    let short: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(6)
        .collect();
    let slug = slug(prompt);
    let slug = if slug.is_empty() {
        "video".into()
    } else {
        slug
    };
    format!("{} {slug} {short}.mp4", date(created_ms))
}

/// `dir/name`, or `dir/name (2).mp4` and so on when a file is already there.
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let stem = name.strip_suffix(".mp4").unwrap_or(name);
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}).mp4")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Lower-case letters and digits (any script) joined by `-`, cut at a word boundary.
fn slug(prompt: &str) -> String {
    let mut out = String::new();
    for word in prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.chars().flat_map(char::to_lowercase).collect();
        let extra = usize::from(!out.is_empty()) + word.chars().count();
        if out.chars().count() + extra > SLUG_MAX {
            if out.is_empty() {
                // One very long word (or a script without spaces): cut it.
                out = word.chars().take(SLUG_MAX).collect();
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

/// `YYYY-MM-DD` in UTC (civil-from-days, Howard Hinnant's algorithm).
fn date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_date_slug_and_short_id() {
        // 2026-11-25 12:00 UTC
        let name = video_file_name(
            1_795_608_000_000,
            "Paper boat, drifting at dusk!",
            "abc123def",
        );
        assert_eq!(name, "2026-11-25 paper-boat-drifting-at-dusk abc123.mp4");
    }

    #[test]
    fn dates_are_right_across_leap_years_and_the_epoch() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400_000), "2000-02-29");
        assert_eq!(date(-86_400_000), "1969-12-31");
    }

    #[test]
    fn unsafe_characters_never_reach_the_name() {
        let name = video_file_name(0, "../../etc/passwd <x>: \"a\"|b?*\\c", "id");
        assert!(!name.contains(['/', '\\', ':', '<', '>', '"', '|', '?', '*']));
        assert_eq!(name, "1970-01-01 etc-passwd-x-a-b-c id.mp4");
    }

    #[test]
    fn long_prompts_are_cut_at_a_word_and_other_scripts_kept() {
        let name = video_file_name(0, &"lighthouse ".repeat(40), "id");
        assert!(name.chars().count() < 80, "{name}");
        assert!(name.contains("lighthouse-lighthouse"));
        assert!(!name.contains("-lighthous "), "{name}");
        assert_eq!(
            video_file_name(0, "纸船漂流", "id"),
            "1970-01-01 纸船漂流 id.mp4"
        );
        assert_eq!(video_file_name(0, "!!!", "id"), "1970-01-01 video id.mp4");
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let name = "2026-11-25 boat abc.mp4";
        assert_eq!(free_path(dir.path(), name), dir.path().join(name));
        std::fs::write(dir.path().join(name), b"x").unwrap();
        std::fs::write(dir.path().join("2026-11-25 boat abc (2).mp4"), b"x").unwrap();
        assert_eq!(
            free_path(dir.path(), name),
            dir.path().join("2026-11-25 boat abc (3).mp4")
        );
    }
}
