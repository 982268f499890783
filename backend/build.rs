//! `sqlx::migrate!` embeds the migration files at compile time; on stable Rust it cannot tell Cargo to watch the
//! folders, so a migration added without touching a source file would not be built in. This does.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
