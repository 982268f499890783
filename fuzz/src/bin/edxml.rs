//! AFL++ target `edxml`: see [`vanban_fuzz::edxml_packet`].

fn main() {
    afl::fuzz!(|data: &[u8]| vanban_fuzz::edxml_packet(data));
}
