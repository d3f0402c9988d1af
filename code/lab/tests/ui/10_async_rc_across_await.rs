// `tokio::spawn` may run a task on any worker thread, and move it between them at each
// `.await`, so the task's future must be `Send`. This one holds an `Rc` across an `.await`,
// which makes the whole future `!Send`. The fixes: an `Arc`; or drop the `Rc` before the
// `.await`; or run the future on one thread with `LocalSet::spawn_local`.
extern crate tokio;

// ANCHOR: here
use std::rc::Rc;

#[tokio::main]
async fn main() {
    let task = tokio::spawn(async {
        let count = Rc::new(1);
        tokio::task::yield_now().await;
        println!("{count}");
    });
    task.await.unwrap();
}
// ANCHOR_END: here
