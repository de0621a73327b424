//! Untrusted text on its way out of the app. A gateway's words (errors, ids, file
//! names) may carry terminal escapes or markup; each place that shows text outside
//! the window makes it inert for that place.

/// For a terminal or a log file: control characters go (ANSI and OSC escapes lose
/// their ESC and BEL, so they cannot recolour, retitle or clear the screen, and a
/// `\r` cannot overwrite what came before), `\n` stays and a tab becomes a space.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            // Also C1 controls (U+0080..U+009F), which some terminals obey as CSI/OSC.
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// For a desktop notification's body, which GNOME and KDE read as markup (bold,
/// links, images): `<`, `>` and `&` become entities, so text shows as written.
pub fn notification_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal_safe(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_carriage_returns_never_reach_a_terminal() {
        let hostile = "\x1b]0;owned\x07\x1b[2J\x1b[31mquota\tgone\r\nfake: OK\u{9b}31m";
        let safe = terminal_safe(hostile);
        assert_eq!(safe, "]0;owned[2J[31mquota gone\nfake: OK31m");
        assert!(!safe.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn markup_in_a_notification_shows_as_text() {
        let said = notification_safe("<a href=\"https://evil.example\">Click</a> & <b>pay</b>");
        assert_eq!(
            said,
            "&lt;a href=\"https://evil.example\"&gt;Click&lt;/a&gt; &amp; &lt;b&gt;pay&lt;/b&gt;"
        );
    }
}
