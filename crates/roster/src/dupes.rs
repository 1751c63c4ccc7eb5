//! The duplicate index: which rows claimed which 保険者番号 + 記号 + 番号 (last 7) + 枝番,
//! remembered per row in 16 bytes with no false matches. A roster has few distinct
//! 保険者番号 + 記号 pairs (one insurer, an employer's few hundred symbols), so each pair gets
//! a small number ("family"), and the rest of the key is digits: 番号's eligibility key (at
//! most 7 digits) and 枝番 (2 digits or none) pack exactly into the remaining bits. The full
//! 番号's leading digits (before the last 7) are kept as a 32-bit fingerprint, exact for
//! numbers up to 16 digits, to tell a true duplicate from two people the eligibility check
//! cannot tell apart.
//!
//! Rosters are exported sorted (by 記号・番号・枝番, or by 番号), so within a family nearly
//! every key is larger than all before it and therefore new: such a key is only appended to
//! a log, which costs no random memory access. Only a key that is not past its family's
//! largest needs a lookup; the hash table is then brought up to date from the log and
//! probed. A 1M-row file fits no cache, and a probe per row cost more than all the other
//! validation together; unsorted files still pay it, exactly as before.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use crate::validate::same_text;

/// Distinct digit strings of 0, 1, 2 … digits before strings of the next length: the offset
/// code of a digit string is unique across lengths ("07" ≠ "7"). `None` for anything but 0–19
/// ASCII digits (the codes of up to 19 digits fit in 64 bits).
fn digit_code(digits: &str) -> Option<u64> {
    // OFFSETS[n]: how many digit strings are shorter than n digits.
    const OFFSETS: [u64; 20] = {
        let mut table = [0u64; 20];
        let mut n = 1;
        let mut power = 1u64;
        while n < 20 {
            table[n] = table[n - 1] + power;
            power = power.wrapping_mul(10);
            n += 1;
        }
        table
    };
    let bytes = digits.as_bytes();
    let offset = *OFFSETS.get(bytes.len())?;
    let mut value = 0u64;
    for &b in bytes {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value * 10 + u64::from(d);
    }
    Some(offset + value)
}

/// The part of an identity key that is not the family, as the reader hands it over.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyParts<'a> {
    pub insurer: &'a str,
    pub symbol: &'a str,
    /// The full 番号 (ASCII digits, as `CardNumber` holds it).
    pub number: &'a str,
    /// The eligibility key: `number`'s last 7 digits, or all of it when shorter.
    pub eligibility: &'a str,
    /// 枝番 (two ASCII digits), if any.
    pub branch: Option<&'a str>,
}

/// What an earlier row with the same key says about this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// First row with this key.
    New,
    /// Same key and same full 番号: a duplicate of the given row.
    Duplicate(u32),
    /// Same key, different full 番号: the eligibility check cannot tell the two apart.
    Collision(u32),
}

/// A row's key as the index stores it, made where the row is parsed (on any thread):
/// `packed` is family (32 bits) · eligibility code (24 bits: strings of at most 7 digits have
/// fewer than 2^24 offset codes) · 枝番 code (7 bits: offset code of at most 2 digits, 127
/// for none), 63 bits in all, ordered as a sorted roster is: 番号, then 枝番; `fingerprint`
/// is the full 番号's leading digits. The reading thread then only compares numbers: it
/// never reads a row's strings, which a worker thread wrote into another core's cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DupKey {
    packed: u64,
    fingerprint: u32,
}

/// 保険者番号 + 記号 pairs numbered for every thread of one read, so that a worker can
/// pack a whole key. Which pair gets which number does not matter, only that all threads
/// agree; a thread asks here only for pairs it has not met before (a few hundred in a file).
#[derive(Debug, Default)]
pub(crate) struct Families(Mutex<FamilyMap>);

type FamilyMap = HashMap<Vec<u8>, u32, BuildHasherDefault<FamilyHasher>>;

impl Families {
    fn id(&self, family_key: &[u8]) -> Option<u32> {
        // A thread that panicked while holding the lock left the map consistent.
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = map.get(family_key) {
            return Some(id);
        }
        // Past 2^32 families (a file of billions of rows) keys are no longer checked.
        let id = u32::try_from(map.len()).ok()?;
        map.insert(family_key.to_vec(), id);
        Some(id)
    }
}

/// One thread's way to [`DupKey`]s: the shared numbering, the pairs this thread has met,
/// and the last one (consecutive rows usually share it: a household, a file of one insurer
/// sorted by 記号).
#[derive(Debug)]
pub(crate) struct KeyMaker {
    shared: Arc<Families>,
    met: FamilyMap,
    last_family: Option<u32>,
    last_insurer: String,
    last_symbol: String,
    family_key: Vec<u8>,
}

impl KeyMaker {
    /// A maker with its own numbering (a sequential read).
    pub fn new() -> Self {
        Self::sharing(Arc::default())
    }

    /// A maker numbering families as every other maker on `shared` does.
    pub fn sharing(shared: Arc<Families>) -> Self {
        Self {
            shared,
            met: HashMap::default(),
            last_family: None,
            last_insurer: String::new(),
            last_symbol: String::new(),
            family_key: Vec::new(),
        }
    }

    /// The numbering this maker shares.
    pub fn families(&self) -> &Arc<Families> {
        &self.shared
    }

    /// `key` packed. `None` when it is not made of digits as the domain types guarantee
    /// (defensive: then it is not checked).
    pub fn key(&mut self, key: KeyParts<'_>) -> Option<DupKey> {
        let eligibility = digit_code(key.eligibility).filter(|&c| c < 1 << 24)?;
        let branch = match key.branch {
            None => 127,
            Some(b) => digit_code(b).filter(|&c| c < 127)?,
        };
        let family = self.family(key.insurer, key.symbol)?;
        Some(DupKey {
            packed: u64::from(family) << 31 | eligibility << 7 | branch,
            fingerprint: fingerprint(key.number, key.eligibility),
        })
    }

    fn family(&mut self, insurer: &str, symbol: &str) -> Option<u32> {
        if let Some(id) = self.last_family {
            // Compared in registers (`==` calls libc's memcmp): this runs for every row.
            if same_text(symbol, &self.last_symbol) && same_text(insurer, &self.last_insurer) {
                return Some(id);
            }
        }
        self.family_key.clear();
        self.family_key.extend_from_slice(insurer.as_bytes());
        // 0xFF never occurs in UTF-8: the pair is unambiguous.
        self.family_key.push(0xFF);
        self.family_key.extend_from_slice(symbol.as_bytes());
        let id = match self.met.get(&self.family_key) {
            Some(&id) => id,
            None => {
                let id = self.shared.id(&self.family_key)?;
                self.met.insert(self.family_key.clone(), id);
                id
            }
        };
        self.last_insurer.clear();
        self.last_insurer.push_str(insurer);
        self.last_symbol.clear();
        self.last_symbol.push_str(symbol);
        self.last_family = Some(id);
        Some(id)
    }
}

/// A table slot: [packed key + 1 (0 = free: keys use 63 bits, so this never overflows),
/// row << 32 | fingerprint]. All-zero when free, so a fresh table is `calloc`ed memory the
/// OS maps in only as rows land in it.
type Slot = [u64; 2];

#[derive(Debug)]
pub(crate) struct KeyIndex {
    /// Per family: 1 + its largest key so far without the family bits (0: none yet).
    largest: Vec<u64>,
    /// Keys recorded since the table was last brought up to date, as the slots hold them.
    log: Vec<Slot>,
    /// Open addressing, linear probing, at most 5/8 full.
    slots: Vec<Slot>,
    len: usize,
}

impl KeyIndex {
    pub fn new() -> Self {
        Self {
            largest: Vec::new(),
            log: Vec::new(),
            slots: Vec::new(),
            len: 0,
        }
    }

    /// Makes room for about `rows` keys up front, so a large sorted file's log is not copied
    /// as it grows.
    pub fn reserve(&mut self, rows: usize) {
        self.log.reserve(rows.saturating_sub(self.log.len()));
    }

    /// Records `row`'s key, or says which earlier row had it.
    pub fn check(&mut self, row: u32, key: DupKey) -> Seen {
        let entry = [
            key.packed + 1,
            u64::from(row) << 32 | u64::from(key.fingerprint),
        ];
        let rest = key.packed & FAMILY_MASK;
        // Families are numbered by whichever thread meets them first, not in file order.
        let family = (key.packed >> 31) as usize;
        if family >= self.largest.len() {
            self.largest.resize(family + 1, 0);
        }
        let largest = &mut self.largest[family];
        if rest + 1 > *largest {
            // Past every key of its family: cannot have been seen.
            *largest = rest + 1;
            self.log.push(entry);
            return Seen::New;
        }
        self.catch_up();
        self.probe(entry)
    }

    /// Moves the keys logged since the last lookup into the table.
    fn catch_up(&mut self) {
        let mut log = std::mem::take(&mut self.log);
        for entry in log.drain(..) {
            self.probe(entry);
        }
        // Keep the emptied log's room for the next sorted run.
        self.log = log;
    }

    /// Finds `entry`'s key in the table, inserting the entry when it is not there.
    fn probe(&mut self, entry: Slot) -> Seen {
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.rehash((self.slots.len() * 2).max(1024));
        }
        let mask = self.slots.len() - 1;
        let [stored, found] = entry;
        let mut i = slot_of(stored, mask);
        loop {
            let slot = &mut self.slots[i];
            if slot[0] == 0 {
                *slot = entry;
                self.len += 1;
                return Seen::New;
            }
            if slot[0] == stored {
                // Truncations intended: the halves of the second word.
                let first = (slot[1] >> 32) as u32;
                return if slot[1] as u32 == found as u32 {
                    Seen::Duplicate(first)
                } else {
                    Seen::Collision(first)
                };
            }
            i = (i + 1) & mask;
        }
    }

    fn rehash(&mut self, capacity: usize) {
        let old = std::mem::replace(&mut self.slots, vec![[0; 2]; capacity]);
        let mask = capacity - 1;
        for slot in old.into_iter().filter(|s| s[0] != 0) {
            let mut i = slot_of(slot[0], mask);
            while self.slots[i][0] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// FNV-1a over the family's bytes, eight at a time: the family map is looked up whenever the
/// 記号 changes (every household in a file sorted by 番号), and its keys are short and made
/// by the file, not an attacker who could profit from collisions.
#[derive(Default)]
struct FamilyHasher(u64);

impl Hasher for FamilyHasher {
    fn finish(&self) -> u64 {
        // Spread the high bits down: the table indexes by the low ones.
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ h >> 29
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0xCBF2_9CE4_8422_2325;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        self.0 = h;
    }
}

/// The bits of a packed key below the family.
const FAMILY_MASK: u64 = (1 << 31) - 1;

/// Fibonacci hashing: spreads keys that differ in their low digits over the whole table.
fn slot_of(key: u64, mask: usize) -> usize {
    let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // Truncation intended: the top bits are the well-mixed ones.
    (h >> 32 ^ h) as usize & mask
}

/// The digits of 番号 before its eligibility key, as an offset code: exact up to 9 leading
/// digits (numbers of up to 16 digits), a hash above the exact range for longer ones.
fn fingerprint(number: &str, eligibility: &str) -> u32 {
    const EXACT_LIMIT: u64 = 1_111_111_111; // offset codes of 0–9 digits
    let prefix = &number[..number.len() - eligibility.len().min(number.len())];
    if let Some(code) = digit_code(prefix).filter(|&c| c < EXACT_LIMIT) {
        // Truncation cannot happen: the code is below 2^32.
        return code as u32;
    }
    let mut h = 0xCBF2_9CE4_8422_2325u64;
    for b in prefix.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    (EXACT_LIMIT + h % (u64::from(u32::MAX) + 1 - EXACT_LIMIT)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(symbol: &'a str, number: &'a str, branch: Option<&'a str>) -> KeyParts<'a> {
        let eligibility = if number.len() >= 8 {
            &number[number.len() - 7..]
        } else {
            number
        };
        KeyParts {
            insurer: "06133425",
            symbol,
            number,
            eligibility,
            branch,
        }
    }

    fn check(
        index: &mut KeyIndex,
        maker: &mut KeyMaker,
        row: u32,
        key: KeyParts<'_>,
    ) -> Option<Seen> {
        Some(index.check(row, maker.key(key)?))
    }

    #[test]
    fn threads_sharing_the_numbering_make_the_same_keys() {
        // Two makers on one numbering, meeting the families in different orders, as worker
        // threads do: the same pair gets the same number, different pairs different ones.
        let shared = Arc::new(Families::default());
        let mut a = KeyMaker::sharing(Arc::clone(&shared));
        let mut b = KeyMaker::sharing(Arc::clone(&shared));
        let ka = [
            a.key(parts("12", "1", None)),
            a.key(parts("東京", "1", None)),
        ];
        let kb = [
            b.key(parts("東京", "1", None)),
            b.key(parts("12", "1", None)),
        ];
        assert_eq!(ka, [kb[1], kb[0]]);
        assert_ne!(ka[0], ka[1]);
        let mut index = KeyIndex::new();
        assert_eq!(index.check(1, kb[0].unwrap()), Seen::New);
        assert_eq!(index.check(2, ka[0].unwrap()), Seen::New);
        assert_eq!(index.check(3, ka[1].unwrap()), Seen::Duplicate(1));
    }

    #[test]
    fn digit_codes_are_unique_across_lengths() {
        let mut seen = std::collections::HashSet::new();
        for len in 0..=3 {
            for v in 0..10u32.pow(len) {
                let s = if len == 0 {
                    String::new()
                } else {
                    format!("{v:0width$}", width = len as usize)
                };
                assert!(seen.insert(digit_code(&s).unwrap()), "{s}");
            }
        }
        assert_eq!(digit_code("9999999"), Some(11_111_110), "below 2^24");
        assert_eq!(digit_code("1a"), None);
        assert_eq!(digit_code("/"), None);
        assert_eq!(
            digit_code(&"9".repeat(19)),
            Some(11_111_111_111_111_111_110)
        );
        assert_eq!(digit_code(&"1".repeat(20)), None);
    }

    #[test]
    fn keys_match_exactly_and_only_exactly() {
        let mut index = KeyIndex::new();
        let mut maker = KeyMaker::new();
        assert_eq!(
            check(&mut index, &mut maker, 2, parts("12", "3456", Some("00"))),
            Some(Seen::New)
        );
        for other in [
            parts("12", "3456", Some("01")),
            parts("12", "3456", None),
            parts("12", "03456", Some("00")),
            parts("13", "3456", Some("00")),
            parts("1", "23456", Some("00")),
        ] {
            assert_eq!(
                check(&mut index, &mut maker, 3, other),
                Some(Seen::New),
                "{other:?}"
            );
        }
        assert_eq!(
            check(&mut index, &mut maker, 9, parts("12", "3456", Some("00"))),
            Some(Seen::Duplicate(2))
        );
        assert_eq!(
            check(&mut index, &mut maker, 10, parts("", "11234567", None)),
            Some(Seen::New)
        );
        assert_eq!(
            check(&mut index, &mut maker, 11, parts("", "21234567", None)),
            Some(Seen::Collision(10)),
            "same last 7 digits, different 番号"
        );
        assert_eq!(
            check(&mut index, &mut maker, 12, parts("", "1234567", None)),
            Some(Seen::Collision(10)),
            "a 7-digit 番号 is the eligibility key of an 8-digit one"
        );
        assert_eq!(
            check(&mut index, &mut maker, 13, parts("", "11234567", None)),
            Some(Seen::Duplicate(10))
        );
    }

    #[test]
    fn the_table_grows_without_losing_keys() {
        let mut index = KeyIndex::new();
        let mut maker = KeyMaker::new();
        for n in 0..20_000u32 {
            let number = n.to_string();
            let symbol = (n % 37).to_string();
            assert_eq!(
                check(&mut index, &mut maker, n, parts(&symbol, &number, None)),
                Some(Seen::New)
            );
        }
        for n in (0..20_000u32).step_by(7) {
            let number = n.to_string();
            let symbol = (n % 37).to_string();
            assert_eq!(
                check(&mut index, &mut maker, 99, parts(&symbol, &number, None)),
                Some(Seen::Duplicate(n))
            );
        }
    }

    proptest::proptest! {
        /// Against the obvious model (a map from the exact key to the first row and its full
        /// 番号), in any order: sorted runs take the log, the rest the table.
        #[test]
        fn agrees_with_a_plain_map(
            rows in proptest::collection::vec(
                (0u8..3, 0u32..40, 0u8..3, proptest::option::of(0u8..3), proptest::bool::ANY),
                1..300,
            ),
        ) {
            let mut index = KeyIndex::new();
        let mut maker = KeyMaker::new();
            let mut model: HashMap<(String, String, Option<String>), (u32, String)> =
                HashMap::new();
            for (row, (symbol, number, prefix, branch, long)) in rows.into_iter().enumerate() {
                let row = row as u32;
                let symbol = ["", "12", "東京"][usize::from(symbol)];
                // Short numbers, and 8+ digit ones whose last 7 digits may coincide.
                let number = if long {
                    format!("{}{:07}", ["1", "2", "01"][usize::from(prefix)], number)
                } else {
                    number.to_string()
                };
                let branch = branch.map(|b| format!("{b:02}"));
                let key = parts(symbol, &number, branch.as_deref());
                let expected = match model.get(&(symbol.to_owned(), key.eligibility.to_owned(), branch.clone())) {
                    None => Seen::New,
                    Some((first, n)) if *n == number => Seen::Duplicate(*first),
                    Some((first, _)) => Seen::Collision(*first),
                };
                if expected == Seen::New {
                    model.insert((symbol.to_owned(), key.eligibility.to_owned(), branch.clone()), (row, number.clone()));
                }
                proptest::prop_assert_eq!(check(&mut index, &mut maker, row, key), Some(expected));
            }
        }
    }

    #[test]
    fn long_numbers_still_fingerprint() {
        let a = fingerprint("12345678901234567890", "4567890");
        let b = fingerprint("22345678901234567890", "4567890");
        assert_ne!(a, b);
        assert!(u64::from(a) >= 1_111_111_111);
        assert_eq!(fingerprint("1234", "1234"), 0, "no leading digits");
    }
}
