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

    loop {
        select! {
            recv(prices) -> msg => match msg {
                Ok(price) => println!("price: {price}"),
                Err(_) => {
                    println!("prices: closed");
                    prices = channel::never(); // never ready again
                }
            },
            recv(news) -> msg => match msg {
                Ok(headline) => println!("news: {headline}"),
                Err(_) => {
                    println!("news: closed");
                    news = channel::never();
                }
            },
            default(Duration::from_millis(200)) => {
                println!("nothing for 200 ms: stop");
                break;
            }
        }
    }
}
// ANCHOR_END: here
