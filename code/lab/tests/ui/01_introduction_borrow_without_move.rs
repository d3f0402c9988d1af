// A spawned thread may outlive the function that spawned it, so it may not borrow that
// function's locals. The fixes: `move` the data into the thread, or use `thread::scope`,
// which joins its threads before the borrowed locals go out of scope.
use std::thread;

fn main() {
    let numbers = vec![1, 2, 3];
    let handle = thread::spawn(|| {
        println!("{numbers:?}");
    });
    handle.join().unwrap();
}
