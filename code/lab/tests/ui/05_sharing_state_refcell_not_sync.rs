// `RefCell` checks its borrows at run time with a plain counter, not an atomic one. Two threads
// borrowing it at once could both pass the check, so `RefCell` is not `Sync`, and a thread may
// not even hold a shared reference to one. The thread-safe counterpart is `Mutex`.
use std::cell::RefCell;
use std::thread;

fn main() {
    let log = RefCell::new(Vec::new());
    thread::scope(|s| {
        s.spawn(|| log.borrow_mut().push("from a thread"));
        log.borrow_mut().push("from main");
    });
    println!("{:?}", log.into_inner());
}
