//! AFL++ target `active_content`: see [`vanban_fuzz::active_content`].

fn main() {
    afl::fuzz!(|data: &[u8]| vanban_fuzz::active_content(data));
}
