//! `select!`: wait on several channels at once and take whichever is ready first, with a
//! timeout arm for when none is. A channel whose senders are all gone is replaced by
//! `never()`, so the loop stops selecting it.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_select
//!
//! Python's `queue.Queue` has no select; you would poll each queue with a timeout, or merge
//! them into one queue first.

extern crate crossbeam;

use std::thread;
use std::time::Duration;

use crossbeam::channel::{self, select};

// ANCHOR: here
fn main() {
    let (price_tx, mut prices) = channel::unbounded::<u32>();
    let (news_tx, mut news) = channel::unbounded::<&str>();

    thread::spawn(move || {
        for price in [101, 99] {
            price_tx.send(price).unwrap();
        }
    });
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        news_tx.send("earnings at noon").unwrap();
    });

    let mut open = 2; // channels that have not closed yet
    while open > 0 {
        select! {
            recv(prices) -> msg => match msg {
                Ok(price) => println!("price: {price}"),
                Err(_) => {
                    println!("prices: closed");
                    prices = channel::never(); // never ready again
                    open -= 1;
                }
            },
            recv(news) -> msg => match msg {
                Ok(headline) => println!("news: {headline}"),
                Err(_) => {
                    println!("news: closed");
                    news = channel::never();
                    open -= 1;
                }
            },
            // A guard against a sender that hangs: nothing for this long means give up.
            default(Duration::from_secs(5)) => {
                println!("nothing for 5 s: giving up on {open} open channel(s)");
                break;
            }
        }
    }
    println!("every channel closed: done");
}
// ANCHOR_END: here
