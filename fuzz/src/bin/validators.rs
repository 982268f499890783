//! AFL++ target `validators`: see [`vanban_fuzz::validators`].

fn main() {
    afl::fuzz!(|data: &[u8]| vanban_fuzz::validators(data));
}
