//! The actor pattern: one thread owns the state, and every other thread talks to it by
//! message. No lock, because only the actor ever touches the state; a request that needs an
//! answer carries its own reply channel.
//!
//! Run it with:
//!
//!     cargo run -p lab --example 06_message_passing_actor
//!
//! The actor stops when every handle to it is dropped, and hands its final state back
//! through `join`: graceful shutdown with nothing extra to write.

use std::collections::HashMap;
use std::sync::mpsc::{self, Sender};
use std::thread;

// ANCHOR: here
/// What the actor can be asked to do.
enum Command {
    Deposit {
        account: &'static str,
        amount: u64,
    },
    Balance {
        account: &'static str,
        reply: Sender<u64>,
    },
}

/// A cheap, cloneable handle to the actor: all that other threads ever hold.
#[derive(Clone)]
struct Bank {
    mailbox: Sender<Command>,
}

impl Bank {
    fn start() -> (Bank, thread::JoinHandle<HashMap<&'static str, u64>>) {
        let (mailbox, commands) = mpsc::channel();
        let actor = thread::spawn(move || {
            let mut balances = HashMap::new(); // owned by this thread alone
            for command in commands {
                match command {
                    Command::Deposit { account, amount } => {
                        *balances.entry(account).or_insert(0) += amount;
                    }
                    Command::Balance { account, reply } => {
                        let _ = reply.send(balances.get(account).copied().unwrap_or(0));
                    }
                }
            }
            balances // every handle is gone: shut down, returning the state
        });
        (Bank { mailbox }, actor)
    }

    fn deposit(&self, account: &'static str, amount: u64) {
        self.mailbox
            .send(Command::Deposit { account, amount })
            .expect("the bank is open");
    }

    fn balance(&self, account: &'static str) -> u64 {
        let (reply, answer) = mpsc::channel();
        self.mailbox
            .send(Command::Balance { account, reply })
            .expect("the bank is open");
        answer.recv().expect("the bank answers")
    }
}

fn main() {
    let (bank, actor) = Bank::start();

    thread::scope(|s| {
        for _ in 0..4 {
            let bank = bank.clone();
            s.spawn(move || {
                for _ in 0..25 {
                    bank.deposit("alice", 1);
                }
            });
        }
    });
    // The four clients' deposits all went through the mailbox before this request.
    println!("alice's balance: {}", bank.balance("alice"));

    drop(bank); // the last handle: the actor's loop ends
    let final_state = actor.join().expect("the actor panicked");
    println!(
        "the actor shut down holding {} account(s)",
        final_state.len()
    );
}
// ANCHOR_END: here
