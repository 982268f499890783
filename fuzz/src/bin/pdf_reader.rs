//! AFL++ target `pdf_reader`: see [`vanban_fuzz::pdf_reader`].

fn main() {
    afl::fuzz!(|data: &[u8]| vanban_fuzz::pdf_reader(data));
}
