//! The render worker (`vanban_render_loader.js`): draws pages and inspects files; see the crate's doc.

fn main() {
    worker::serve(|reply, posted| async move {
        let result = worker::pages::run(&reply, posted);
        reply.finish(result);
    });
}
