//! AFL++ target `pkcs12`: see [`vanban_fuzz::pkcs12`].

fn main() {
    afl::fuzz!(|data: &[u8]| vanban_fuzz::pkcs12(data));
}
