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

/// The shared string behind [`Name`] and [`Region`]: cloning one (every index key, every view,
/// every `Ctx`) is a reference-count increment instead of an allocation and a copy. Equality,
/// order and hashing are those of the string content, so every `BTreeMap` iterates in the same
/// order as with `String` keys and every trace and snapshot stays byte-identical.
///
/// Comparing names is what `BTreeMap` lookups spend their time on, so a `Text` also keeps its
/// first [`PREFIX`] bytes as a big-endian integer (zero-padded): two names that differ there are
/// ordered by one integer comparison, without reading the strings (and a `Text` is as large as a
/// `String`, so no type that holds names grows). This agrees with the order of
/// `str`: if the padded prefixes differ at byte i, either both strings have a byte at i (and they
/// differ there first), or the shorter one ends before i and is a prefix of the other (every byte
/// of the other between its end and i is a NUL, equal to the padding). Equal prefixes fall back to
/// the lengths (when either string ends within the prefix, it is a prefix of the other) or to
/// the next 8 bytes, read the same way (so names of up to 16 bytes, such as `acct00042` or
/// `us-east-1`, are compared without a call to `memcmp`), and only longer ones to the rest of
/// the strings.
#[derive(Clone)]
struct Text {
    prefix: u64,
    text: Arc<str>,
}

/// How many leading bytes of a [`Text`] its integer prefix holds.
const PREFIX: usize = 8;

/// The `PREFIX` bytes of `bytes` from `at` as a big-endian integer, zero-padded past the end.
/// (A fixed-size load when there are `PREFIX` bytes; otherwise the bytes are shifted in one by
/// one, which the compiler does not turn into a `memcpy` call.)
#[inline]
fn word(bytes: &[u8], at: usize) -> u64 {
    let tail = bytes.get(at..).unwrap_or_default();
    if let Some(full) = tail.first_chunk::<PREFIX>() {
        return u64::from_be_bytes(*full);
    }
    let mut w = 0u64;
    for b in tail {
        w = (w << 8) | u64::from(*b);
    }
    // Fewer than PREFIX bytes: pad on the right (no bytes at all: zero).
    w.checked_shl(8 * (PREFIX - tail.len()) as u32)
        .unwrap_or_default()
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
        Text::shared(Arc::from(s))
    }

    fn shared(text: Arc<str>) -> Self {
        Text {
            prefix: word(text.as_bytes(), 0),
            text,
        }
    }

    fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Text {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        // Equal prefixes and lengths: names within the prefix are equal; longer ones compare
        // the rest (`eq_rest`).
        self.prefix == other.prefix
            && self.text.len() == other.text.len()
            && (self.text.len() <= PREFIX || self.eq_rest(other))
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
        match self.prefix.cmp(&other.prefix) {
            Ordering::Equal => self.cmp_rest(other),
            unequal => unequal,
        }
    }
}

impl Text {
    /// Equality past equal prefixes of two strings of the same length, longer than the prefix:
    /// the next 8 bytes decide for names within 16 bytes, and only longer ones compare the rest.
    fn eq_rest(&self, other: &Self) -> bool {
        let (a, b) = (self.text.as_bytes(), other.text.as_bytes());
        Arc::ptr_eq(&self.text, &other.text)
            || (word(a, PREFIX) == word(b, PREFIX)
                && (a.len() <= 2 * PREFIX || a.get(2 * PREFIX..) == b.get(2 * PREFIX..)))
    }

    /// The order past equal prefixes. A string that ends within the prefix is a prefix of the
    /// other (the padding equals the other's bytes), so the lengths decide; otherwise the next 8
    /// bytes decide as the prefix did, and then the lengths (again when one string ends within
    /// them) or the rest of the strings.
    fn cmp_rest(&self, other: &Self) -> Ordering {
        let (a, b) = (self.text.as_bytes(), other.text.as_bytes());
        if a.len().min(b.len()) <= PREFIX || Arc::ptr_eq(&self.text, &other.text) {
            return a.len().cmp(&b.len());
        }
        match word(a, PREFIX).cmp(&word(b, PREFIX)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        if a.len().min(b.len()) <= 2 * PREFIX {
            a.len().cmp(&b.len())
        } else {
            a.get(2 * PREFIX..).cmp(&b.get(2 * PREFIX..))
        }
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes.
        self.text.hash(state);
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
        Ok(Text::shared(Arc::from(s)))
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
        Name(Text::shared(Arc::from(s)))
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
        Region(Text::shared(Arc::from(s)))
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

    /// Names order, compare and hash exactly as their strings do, across the prefix boundary and
    /// the 16-byte boundary of the second word, with NULs (which equal the padding), shared
    /// prefixes and multi-byte characters.
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
            }
        }
    }
}
