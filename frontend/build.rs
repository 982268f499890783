//! Release builds of the browser app leave out the WebAssembly name section (function names for stack traces):
//! it is about a third of the file and only helps debugging. The same as `strip = "symbols"` in the profile,
//! kept here so that only the frontend's link step is affected.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    let wasm = std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32"));
    if release && wasm {
        println!("cargo:rustc-link-arg-bins=--strip-all");
    }
}
