// `Arc` shares a value between threads, but only a value that may be shared: `Arc<T>` is `Send`
// only when `T` is `Sync`. `Cell` mutates through a shared reference with no synchronisation,
// so it is not `Sync`, and an `Arc<Cell<_>>` cannot cross to another thread. The thread-safe
// counterpart is an atomic (`Arc<AtomicU64>`).
use std::cell::Cell;
use std::sync::Arc;
use std::thread;

fn main() {
    let hits = Arc::new(Cell::new(0));
    let for_thread = Arc::clone(&hits);
    thread::spawn(move || for_thread.set(for_thread.get() + 1))
        .join()
        .unwrap();
    println!("{}", hits.get());
}
