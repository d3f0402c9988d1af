// Python's racy `counter += 1` from two threads, written the same way in Rust: two threads
// that both change one local variable. Each closure needs `&mut counter`, and two `&mut` to
// one variable cannot exist at once, so the data race is a compile error.
use std::thread;

fn main() {
    let mut counter = 0;
    thread::scope(|s| {
        s.spawn(|| counter += 1);
        s.spawn(|| counter += 1);
    });
    println!("{counter}");
}
