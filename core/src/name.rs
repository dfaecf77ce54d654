//! Symbolic names and Regions.
//!
//! Scenarios, generated sequences and the conformance protocol never write an id or an ARN: they
//! name things ("hub", "base", "vpc") and the world binds each name to a deterministic AWS-shaped
//! id on creation. A name is unique per kind of entity within a scenario.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The string behind [`Name`] and [`Region`]. Equality, order and hashing are those of the
/// string content, so every `BTreeMap` iterates in the same order as with `String` keys and
/// every trace and snapshot stays byte-identical.
///
/// Comparing names is what `BTreeMap` lookups spend their time on, and cloning them is what
/// index keys, views and every `Ctx` do, so a `Text` keeps its first [`SHORT`] bytes inline
/// (a [`Head`]), built so that comparing two heads as two big-endian integers orders the names
/// exactly as their strings. A name of up to 14 bytes (every account, Region, portfolio,
/// product, share and component name of the benchmarks and the scenarios) lives in its head
/// alone: it is compared, cloned and dropped without touching the heap (no reference count on
/// a cold cache line, no allocation). A longer name also holds the whole string behind a shared
/// pointer (`Arc`, so a clone is a reference-count increment), and only longer names whose
/// first 15 bytes agree compare the rest. Why the order agrees with `str` is at [`Head::of`].
/// The pointer is thin (the string behind it is boxed) so that a `Text` stays as large as a
/// `String` and no type that holds names grows.
#[derive(Clone)]
struct Text {
    head: Head,
    /// The whole string, for a name longer than [`SHORT`] bytes only.
    long: Option<Arc<Box<str>>>,
}

/// How many leading bytes of a name its [`Head`] holds in full.
const SHORT: usize = 14;

/// A name's first bytes, in order: bytes 0 to 13 zero-padded past the end, then a tail in two
/// bytes (big-endian): the length for a name of at most [`SHORT`] bytes, and 15 plus byte 14
/// for a longer one. Read as two big-endian integers ([`Head::words`]) it orders names as
/// their strings. The tail is at most 270, so its high byte is 0 or 1: a two-valued enum, which
/// leaves the other byte values free as a niche, so that `Option<Name>` and enums of names stay
/// as small as they were with a bare pointer.
///
/// `repr(C)` keeps the fields in this order, so that the second word is one load of eight
/// adjacent bytes.
#[derive(Clone, Copy)]
#[repr(C)]
struct Head {
    bytes: [u8; SHORT],
    tail_high: TailHigh,
    tail_low: u8,
}

/// The high byte of a [`Head`]'s tail.
#[derive(Clone, Copy)]
#[repr(u8)]
enum TailHigh {
    Zero = 0,
    One = 1,
}

impl Head {
    /// The head of `bytes`. Comparing heads (as [`Head::words`], first then second) agrees with
    /// comparing the strings, and equal heads mean equal strings for short names (for long
    /// ones, the rest from byte 15 decides), because:
    ///
    /// - if the zero-padded first 14 bytes differ, first at byte i, either both strings have a
    ///   byte at i and agree before it (so they are ordered by that byte, as the heads are), or
    ///   one ends before i and is a prefix of the other (whose bytes from that end up to i are
    ///   NULs, equal to the padding), and is the smaller, as its padding is;
    /// - if they agree and both names are short, the shorter is a prefix of the longer (its
    ///   padding equals the other's NULs): the lengths in the tails decide;
    /// - a short name against a long one is a prefix of it, and its tail (at most 14) is below
    ///   every long name's tail (at least 15);
    /// - two long names agree on bytes 0 to 13, so byte 14 (in the tails) decides, and then the
    ///   rest of the strings.
    fn of(bytes: &[u8]) -> Head {
        let mut head = [0u8; SHORT];
        for (slot, b) in head.iter_mut().zip(bytes) {
            *slot = *b;
        }
        let tail: u16 = if bytes.len() <= SHORT {
            // At most 14: fits.
            bytes.len() as u16
        } else {
            15 + u16::from(bytes.get(SHORT).copied().unwrap_or(0))
        };
        let [high, low] = tail.to_be_bytes();
        Head {
            bytes: head,
            tail_high: if high == 0 {
                TailHigh::Zero
            } else {
                TailHigh::One
            },
            tail_low: low,
        }
    }

    /// The head as two big-endian integers, whose order (first, then second) is the names'.
    #[inline(always)]
    fn words(self) -> (u64, u64) {
        let [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5] = self.bytes;
        (
            u64::from_be_bytes([a0, a1, a2, a3, a4, a5, a6, a7]),
            u64::from_be_bytes([b0, b1, b2, b3, b4, b5, self.tail_high as u8, self.tail_low]),
        )
    }

    /// The tail: a short name's length, or more than [`SHORT`] for a long name.
    #[inline(always)]
    fn tail(self) -> usize {
        usize::from(u16::from_be_bytes([self.tail_high as u8, self.tail_low]))
    }
}

/// A `Text` is a JSON string, inlined exactly as `String` is (the schema of the protocol is
/// unchanged).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Text {
    fn inline_schema() -> bool {
        String::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        String::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

impl Text {
    fn new(s: &str) -> Self {
        let head = Head::of(s.as_bytes());
        let long = (s.len() > SHORT).then(|| Arc::new(Box::from(s)));
        Text { head, long }
    }

    fn owned(text: Box<str>) -> Self {
        let head = Head::of(text.as_bytes());
        let long = (text.len() > SHORT).then(|| Arc::new(text));
        Text { head, long }
    }

    fn as_str(&self) -> &str {
        match &self.long {
            Some(text) => text,
            // A short name's head holds the whole string, which was valid UTF-8 when the head
            // was built from it, so the check cannot fail (the empty string is never returned
            // for a non-empty name).
            None => self
                .head
                .bytes
                .get(..self.head.tail())
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
        }
    }

    /// The bytes from 15 on, which decide between long names with equal heads.
    fn rest(&self) -> &[u8] {
        self.long
            .as_ref()
            .and_then(|text| text.as_bytes().get(SHORT + 1..))
            .unwrap_or_default()
    }
}

impl PartialEq for Text {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.head.words() == other.head.words()
            && (self.head.tail() <= SHORT || self.eq_rest(other))
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.head.words(), other.head.words());
        match a.cmp(&b) {
            // The tail (the low two bytes of the second word) tells a long name.
            Ordering::Equal if a.1 & 0xffff > SHORT as u64 => self.cmp_rest(other),
            decided => decided,
        }
    }
}

impl Text {
    /// Equality of two long names with equal heads (out of line, so that a comparison stays a
    /// few inlined integer instructions).
    #[inline(never)]
    fn eq_rest(&self, other: &Self) -> bool {
        if let (Some(a), Some(b)) = (&self.long, &other.long)
            && Arc::ptr_eq(a, b)
        {
            return true;
        }
        self.rest() == other.rest()
    }

    /// The order of two long names with equal heads: the rest of the strings (out of line).
    #[inline(never)]
    fn cmp_rest(&self, other: &Self) -> Ordering {
        if let (Some(a), Some(b)) = (&self.long, &other.long)
            && Arc::ptr_eq(a, b)
        {
            return Ordering::Equal;
        }
        self.rest().cmp(other.rest())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes.
        self.as_str().hash(state);
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Text::owned(s.into_boxed_str()))
    }
}

/// A symbolic name for an account, organization, OU, IAM principal, portfolio, product,
/// constraint, KMS key, resource share or Image Builder resource.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Name(Text);

impl Name {
    /// Builds a name from anything string-like.
    pub fn new(s: impl AsRef<str>) -> Self {
        Name(Text::new(s.as_ref()))
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The empty name, the smallest of all, for the start of a range of names: a short name,
    /// so building it allocates nothing.
    pub(crate) fn empty() -> Name {
        Name::new("")
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Text::new(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Text::owned(s.into_boxed_str()))
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Names that arbitrary input draws from: a small pool, so that generated calls collide on the
/// same entities (the interesting case for sharing) instead of naming fresh ones every time.
pub const ARBITRARY_NAME_POOL: &[&str] = &["a", "b", "c", "d", "e", "zz"];

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Name {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Name::from(*u.choose(ARBITRARY_NAME_POOL)?))
    }
}

/// An AWS Region code such as `us-east-1`. Every Service Catalog, RAM, Image Builder and KMS
/// object lives in exactly one Region (RULES.md 1.1, INV-01).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Region(Text);

impl Region {
    /// Builds a Region from anything string-like.
    pub fn new(s: impl AsRef<str>) -> Self {
        Region(Text::new(s.as_ref()))
    }

    /// The Region code.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Region {
    fn from(s: &str) -> Self {
        Region(Text::new(s))
    }
}

impl From<String> for Region {
    fn from(s: String) -> Self {
        Region(Text::owned(s.into_boxed_str()))
    }
}

impl AsRef<str> for Region {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Regions that arbitrary input draws from.
pub const ARBITRARY_REGION_POOL: &[&str] = &["us-east-1", "us-west-2"];

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Region {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Region::from(*u.choose(ARBITRARY_REGION_POOL)?))
    }
}

#[cfg(test)]
mod tests {
    use super::Name;
    use std::cmp::Ordering;

    /// Names order and compare exactly as their strings do, across the 8-byte boundary of the
    /// key's first word, the 14-byte boundary of short names and byte 14 (the tail of long
    /// ones), with NULs (which equal the padding), shared prefixes and multi-byte characters.
    #[test]
    fn names_order_as_their_strings() {
        let words = [
            "",
            "\0",
            "a",
            "a\0",
            "a\0\0b",
            "a\0b",
            "ab",
            "acct00001",
            "acct00010",
            "acct0001",
            "acct00012",
            "acct00099",
            "abcdefg",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefghi\0",
            "abcdefghi\0\0j",
            "abcdefgh\0j",
            "abcdefgi",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnop\0",
            "abcdefghijklmnop\0\0",
            "abcdefghijklmnop\0\0q",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
            "abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnoq",
            "abcdefghijklm",
            "abcdefghijklm\0",
            "abcdefghijklmn",
            "abcdefghijklmn\0",
            "abcdefghijklmn\0\0",
            "abcdefghijklmn\0a",
            "abcdefghijklmn\u{1}",
            "abcdefghijklmn\u{e9}",
            "abcdefghijklmn\u{e9}a",
            "abcdefghijklmn\u{ff}",
            "abcdefghijklmna\0",
            "abcdefghijklmnop\u{ff}",
            "arn:aws:imagebuilder:us-east-1:100000000001:component/c1_0/1.0.0",
            "arn:aws:imagebuilder:us-east-1:100000000001:component/c1_0/1.0.1",
            "us-east-1",
            "us-west-2",
            "\u{e9}t\u{e9}",
            "\u{ff}",
            "z",
        ];
        for a in words {
            for b in words {
                let (x, y) = (Name::from(a), Name::from(b));
                assert_eq!(x.cmp(&y), a.cmp(b), "{a:?} vs {b:?}");
                assert_eq!(x == y, a == b, "{a:?} vs {b:?}");
                assert_eq!(x.clone().cmp(&x), Ordering::Equal);
                assert_eq!(x.as_str(), a);
                assert_eq!(x.to_string(), a);
            }
        }
        // A name stays as large as a `String`, and an optional name too.
        assert_eq!(std::mem::size_of::<Name>(), 24);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 24);
    }
}
