// An `Rc` counts its references without atomics, so two threads updating the count at once
// would corrupt it. `Rc` is therefore not `Send`, and `thread::spawn` refuses a closure that
// captures one. The fix is `Arc`, whose count is atomic.
use std::rc::Rc;
use std::thread;

fn main() {
    let shared = Rc::new(vec![1, 2, 3]);
    let handle = thread::spawn(move || {
        println!("{shared:?}");
    });
    handle.join().unwrap();
}
