//! AFL++ target `cms`: see [`vanban_fuzz::cms`].

fn main() {
    afl::fuzz!(|data: &[u8]| vanban_fuzz::cms(data));
}
