//! The signing worker (`vanban_worker_loader.js`): the signing core and the keys; see the crate's doc.

fn main() {
    worker::serve(|reply, posted| async move {
        let result = worker::signing::run(&reply, posted).await;
        reply.finish(result);
    });
}
