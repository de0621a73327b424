//! A small mutation engine for the in-tree fuzz passes. It takes the seed files of a
//! corpus (`fuzz/corpus/<target>/`, shared with `cargo fuzz`) and derives damaged
//! variants the way coverage-guided fuzzers do: bit flips, boundary values, cuts,
//! repeats, splices and dictionary words. Deterministic for one seed, so a failure
//! that CI prints can be replayed exactly.

use std::path::PathBuf;

/// The seed used when `VEO_DESK_FUZZ_SEED` is not set, so every run is repeatable.
const DEFAULT_SEED: u64 = 0x5eed_0f0e_0d35;

/// Rounds per target: `VEO_DESK_FUZZ_ROUNDS`, or `default` (a pass short enough for
/// every test run; `scripts/fuzz` asks for more).
pub(crate) fn rounds(default: usize) -> usize {
    env_number("VEO_DESK_FUZZ_ROUNDS").map_or(default, |n| n as usize)
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// The seed files of `target`, smallest first. Panics when there are none: a fuzz pass
/// over an empty corpus would pass without testing anything.
pub(crate) fn corpus(target: &str) -> Vec<Vec<u8>> {
    // The corpus is shared with cargo fuzz, at the top of the repository.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .filter_map(|entry| std::fs::read(entry.ok()?.path()).ok())
        .collect();
    assert!(!seeds.is_empty(), "corpus {} is empty", dir.display());
    seeds.sort_by_key(Vec::len);
    seeds
}

/// Runs `check` on every seed, then on `rounds` mutants of them. A panic names the
/// round and the seed that reproduce it.
pub(crate) fn run(
    target: &str,
    seeds: &[Vec<u8>],
    dictionary: &[&[u8]],
    rounds: usize,
    mut check: impl FnMut(&[u8]),
) {
    for seed in seeds {
        check(seed);
    }
    let base = env_number("VEO_DESK_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let mut rng = fastrand::Rng::with_seed(base);
    for round in 0..rounds {
        let input = mutant(&mut rng, seeds, dictionary);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)));
        if let Err(panic) = outcome {
            let dump = std::env::temp_dir().join(format!("veo-desk-fuzz-{target}-{round}"));
            let _ = std::fs::write(&dump, &input);
            eprintln!(
                "fuzz {target}: round {round} with VEO_DESK_FUZZ_SEED={base} failed; input saved to {}",
                dump.display()
            );
            std::panic::resume_unwind(panic);
        }
    }
}

/// One to four stacked mutations of a randomly chosen seed.
pub(crate) fn mutant(rng: &mut fastrand::Rng, seeds: &[Vec<u8>], dictionary: &[&[u8]]) -> Vec<u8> {
    let mut data = seeds[rng.usize(..seeds.len())].clone();
    for _ in 0..rng.usize(1..=4) {
        mutate_once(rng, &mut data, seeds, dictionary);
    }
    data
}

/// Values at the edges of integer types, where length and offset arithmetic breaks.
const BOUNDARY_BYTES: [u8; 6] = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

fn mutate_once(
    rng: &mut fastrand::Rng,
    data: &mut Vec<u8>,
    seeds: &[Vec<u8>],
    dictionary: &[&[u8]],
) {
    let len = data.len();
    let at = |rng: &mut fastrand::Rng| rng.usize(..=len);
    match rng.u8(..9) {
        0 if len > 0 => {
            let i = rng.usize(..len);
            data[i] ^= 1 << rng.u8(..8);
        }
        1 if len > 0 => {
            let i = rng.usize(..len);
            data[i] = BOUNDARY_BYTES[rng.usize(..BOUNDARY_BYTES.len())];
        }
        2 if len > 0 => {
            let i = rng.usize(..len);
            data[i] = rng.u8(..);
        }
        3 => data.truncate(at(rng)),
        4 if len > 0 => {
            let start = rng.usize(..len);
            let end = rng.usize(start..=len.min(start + 64));
            data.drain(start..end);
        }
        5 if len > 0 => {
            // Repeat a slice: grows lengths and counts past what headers announce.
            let start = rng.usize(..len);
            let end = rng.usize(start..=len.min(start + 256));
            let copy = data[start..end].to_vec();
            let times = rng.usize(1..=8);
            let insert = at(rng);
            data.splice(insert..insert, copy.repeat(times));
        }
        6 => {
            // The head of this input with the tail of another seed.
            let other = &seeds[rng.usize(..seeds.len())];
            let cut = rng.usize(..=other.len());
            data.truncate(at(rng));
            data.extend_from_slice(&other[cut..]);
        }
        7 if !dictionary.is_empty() => {
            let word = dictionary[rng.usize(..dictionary.len())];
            let insert = at(rng);
            data.splice(insert..insert, word.iter().copied());
        }
        _ => {
            let insert = at(rng);
            let extra: Vec<u8> = (0..rng.usize(1..=16)).map(|_| rng.u8(..)).collect();
            data.splice(insert..insert, extra);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutants_differ_from_their_seeds_and_repeat_for_one_seed() {
        let seeds = vec![b"{\"id\":\"a\",\"status\":\"queued\"}".to_vec()];
        let make = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..200)
                .map(|_| mutant(&mut rng, &seeds, &[b"null"]))
                .collect::<Vec<_>>()
        };
        let first = make(1);
        assert_eq!(first, make(1));
        let changed = first.iter().filter(|m| **m != seeds[0]).count();
        assert!(
            changed > 150,
            "only {changed} of 200 mutants changed anything"
        );
    }

    #[test]
    fn a_failing_check_is_reported_with_its_round() {
        let seeds = vec![b"abc".to_vec()];
        let outcome = std::panic::catch_unwind(|| {
            run("self-test", &seeds, &[], 50, |input| {
                assert!(input.len() < 5)
            })
        });
        assert!(
            outcome.is_err(),
            "a check that fails on grown inputs must fail the pass"
        );
    }
}
