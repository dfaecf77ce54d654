//! Short renderings of observation excerpts for violation reports: compact RON, cut at a
//! readable length, so a report shows the relevant part and never a dump.

use serde::Serialize;

/// The longest excerpt kept, in characters.
const MAX: usize = 600;

/// Compact RON of `value`, cut at [`MAX`] characters.
pub(crate) fn ron<T: Serialize + ?Sized>(value: &T) -> String {
    let s = ron::to_string(value).unwrap_or_else(|e| format!("<unrenderable: {e}>"));
    cut(s)
}

/// Cuts a string at [`MAX`] characters.
pub(crate) fn cut(s: String) -> String {
    if s.chars().count() <= MAX {
        s
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

/// A list of displayable items, `[a, b]`.
pub(crate) fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let v: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// A message part written only when it is displayed: `lazy(|f| write!(f, "portfolio {p}"))`
/// displays as `format!("portfolio {p}")` would, but costs nothing until a violation's message
/// uses it. The checker names the entity it checks this way (`here`) for every element of every
/// changed observation, and almost always finds nothing to report (docs/PERFORMANCE.md
/// section 2).
pub(crate) fn lazy<F>(write: F) -> Lazy<F>
where
    F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
{
    Lazy(write)
}

/// See [`lazy`].
pub(crate) struct Lazy<F>(F);

impl<F> std::fmt::Display for Lazy<F>
where
    F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.0)(f)
    }
}
