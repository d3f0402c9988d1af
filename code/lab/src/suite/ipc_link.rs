//! The `ipc` experiments' protocol, the same over every link: a command says what comes
//! next, the messages follow, and the peer answers. A link is the way bytes travel: a pipe,
//! a pair of shared-memory rings, or an in-process channel.
//!
//! - `stream COUNT`: COUNT messages go one way; the peer answers with the checksum of all
//!   it received (8 bytes), so a lost or changed byte changes the run's answer.
//! - `echo COUNT`: COUNT round trips; the peer sends each message back as it came.
//!
//! Commands travel on a control pipe of their own, so that a peer waits for the next one in
//! a blocking read and uses no CPU between runs, whatever its link does while it waits.

use std::io::{self, Read, Write};

use anyhow::{Context, Result, bail};
use crossbeam::channel::{Receiver, Sender};

use super::shm_ring::Ring;

/// What the peer does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Command {
    /// Receive this many messages, then answer with their checksum.
    Stream(u64),
    /// Send this many messages back, one by one.
    Echo(u64),
}

impl Command {
    fn encode(self) -> [u8; 16] {
        let (kind, count) = match self {
            Command::Stream(count) => (1u64, count),
            Command::Echo(count) => (2, count),
        };
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&kind.to_le_bytes());
        bytes[8..].copy_from_slice(&count.to_le_bytes());
        bytes
    }

    fn decode(bytes: [u8; 16]) -> Result<Command> {
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        match (word(0), word(8)) {
            (1, count) => Ok(Command::Stream(count)),
            (2, count) => Ok(Command::Echo(count)),
            (kind, _) => bail!("ipc: unknown command kind {kind}"),
        }
    }

    /// Sends this command on `control`.
    pub(super) fn send(self, mut control: impl Write) -> io::Result<()> {
        control.write_all(&self.encode())
    }

    /// The next command on `control`, or `None` at its end (the parent is done).
    fn receive(mut control: impl Read) -> Result<Option<Command>> {
        let mut bytes = [0u8; 16];
        match control.read_exact(&mut bytes) {
            Ok(()) => Command::decode(bytes).map(Some),
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
            Err(err) => Err(err).context("ipc: reading a command"),
        }
    }
}

/// A way for messages to travel between two sides.
pub(super) trait Link {
    /// Sends `bytes` as one message.
    fn send(&mut self, bytes: &[u8]) -> Result<()>;
    /// Receives one message of `len` bytes.
    fn recv(&mut self, len: usize) -> Result<&[u8]>;
}

/// The sum of the bytes: cheap, and changed by any lost, doubled or altered byte value.
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b)).sum()
}

/// A message of `size` bytes with a pattern in it, so that a checksum of zeros proves nothing.
pub(super) fn message(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 % 251) as u8).collect()
}

/// The peer's loop: obeys commands from `control` until it closes, with messages of `size`
/// bytes on `link`.
///
/// # Errors
///
/// If a command is garbled or the link fails.
pub(super) fn serve(mut control: impl Read, link: &mut impl Link, size: usize) -> Result<()> {
    while let Some(command) = Command::receive(&mut control)? {
        match command {
            Command::Stream(count) => {
                let mut sum = 0u64;
                for _ in 0..count {
                    sum = sum.wrapping_add(checksum(link.recv(size)?));
                }
                link.send(&sum.to_le_bytes())?;
            }
            Command::Echo(count) => {
                for _ in 0..count {
                    // The echo is a copy, as a reply is: a channel's `send` makes a new buffer.
                    let received = link.recv(size)?.to_vec();
                    link.send(&received)?;
                }
            }
        }
    }
    Ok(())
}

/// Sends `count` copies of `message` and returns the peer's checksum of them.
pub(super) fn stream(
    control: impl Write,
    link: &mut impl Link,
    message: &[u8],
    count: u64,
) -> Result<u64> {
    Command::Stream(count).send(control)?;
    for _ in 0..count {
        link.send(message)?;
    }
    let answer = link.recv(8)?;
    Ok(u64::from_le_bytes(
        answer.try_into().context("ipc: a short answer")?,
    ))
}

/// Makes `count` round trips of `message`, and returns the checksum of what came back.
pub(super) fn round_trips(
    control: impl Write,
    link: &mut impl Link,
    message: &[u8],
    count: u64,
) -> Result<u64> {
    Command::Echo(count).send(control)?;
    let mut sum = 0u64;
    for _ in 0..count {
        link.send(message)?;
        sum = sum.wrapping_add(checksum(link.recv(message.len())?));
    }
    Ok(sum)
}

/// A pipe each way: every message is one `write` (unbuffered, as `multiprocessing`'s
/// `Connection.send` makes one), and the reader reads until it has the whole message.
pub(super) struct PipeLink<R, W> {
    pub(super) from: R,
    pub(super) to: W,
    pub(super) buffer: Vec<u8>,
}

impl<R: Read, W: Write> Link for PipeLink<R, W> {
    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.to.write_all(bytes).context("ipc: writing to the pipe")
    }

    fn recv(&mut self, len: usize) -> Result<&[u8]> {
        self.buffer.resize(len, 0);
        self.from
            .read_exact(&mut self.buffer)
            .context("ipc: reading from the pipe")?;
        Ok(&self.buffer)
    }
}

/// A shared-memory ring each way: a message is copied in by one side and out by the other.
pub(super) struct ShmLink {
    pub(super) out: Ring,
    pub(super) back: Ring,
    pub(super) buffer: Vec<u8>,
}

impl Link for ShmLink {
    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.push(bytes)
    }

    fn recv(&mut self, len: usize) -> Result<&[u8]> {
        self.buffer.resize(len, 0);
        self.back.pop(&mut self.buffer)?;
        Ok(&self.buffer)
    }
}

/// A bounded crossbeam channel each way, carrying owned buffers: a send copies the message
/// into a new `Vec` (as building a message does), and a receive takes the `Vec` as it is.
pub(super) struct ChannelLink {
    pub(super) out: Sender<Vec<u8>>,
    pub(super) back: Receiver<Vec<u8>>,
    pub(super) last: Vec<u8>,
}

impl Link for ChannelLink {
    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .send(bytes.to_vec())
            .map_err(|_| anyhow::anyhow!("ipc: the channel's other side has gone"))
    }

    fn recv(&mut self, len: usize) -> Result<&[u8]> {
        self.last = self
            .back
            .recv()
            .map_err(|_| anyhow::anyhow!("ipc: the channel's other side has gone"))?;
        if self.last.len() != len {
            bail!("ipc: expected {len} bytes, got {}", self.last.len());
        }
        Ok(&self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam::channel;

    #[test]
    fn commands_survive_encoding_and_a_bad_kind_is_an_error() {
        for command in [Command::Stream(7), Command::Echo(u64::MAX)] {
            assert_eq!(Command::decode(command.encode()).unwrap(), command);
        }
        let mut bad = Command::Echo(1).encode();
        bad[0] = 9;
        assert!(
            Command::decode(bad)
                .unwrap_err()
                .to_string()
                .contains("unknown command kind 9")
        );
    }

    /// Runs a stream and an echo against `serve` on another thread, over the links made by
    /// `links` (this side's, the peer's), and checks both answers.
    fn check_both_commands<L: Link + Send>(links: (L, L)) {
        let (mut near, mut far) = links;
        let size = 100;
        let msg = message(size);
        let expected = 5 * checksum(&msg);
        let (control_reader, mut control) = io::pipe().unwrap();
        std::thread::scope(|s| {
            let peer = s.spawn(move || serve(control_reader, &mut far, size));
            assert_eq!(stream(&mut control, &mut near, &msg, 5).unwrap(), expected);
            assert_eq!(
                round_trips(&mut control, &mut near, &msg, 5).unwrap(),
                expected
            );
            drop(control);
            peer.join().unwrap().unwrap();
        });
    }

    #[test]
    fn every_link_carries_both_commands() {
        let (there, from_here) = io::pipe().unwrap();
        let (from_there, here) = io::pipe().unwrap();
        check_both_commands((
            PipeLink {
                from: from_there,
                to: from_here,
                buffer: Vec::new(),
            },
            PipeLink {
                from: there,
                to: here,
                buffer: Vec::new(),
            },
        ));

        let (out_tx, out_rx) = channel::bounded(4);
        let (back_tx, back_rx) = channel::bounded(4);
        check_both_commands((
            ChannelLink {
                out: out_tx,
                back: back_rx,
                last: Vec::new(),
            },
            ChannelLink {
                out: back_tx,
                back: out_rx,
                last: Vec::new(),
            },
        ));

        let dir = std::env::temp_dir();
        let [a, b] = ["a", "b"].map(|n| dir.join(format!("lab-link-{}-{n}", std::process::id())));
        let shm = |out: &std::path::Path, back: &std::path::Path, create: bool| {
            let ring = |p: &std::path::Path| {
                if create {
                    Ring::create(p, 64).unwrap()
                } else {
                    Ring::open(p).unwrap()
                }
            };
            ShmLink {
                out: ring(out),
                back: ring(back),
                buffer: Vec::new(),
            }
        };
        let near = shm(&a, &b, true);
        let far = shm(&b, &a, false);
        std::fs::remove_file(&a).unwrap();
        std::fs::remove_file(&b).unwrap();
        check_both_commands((near, far));
    }

    #[test]
    fn a_peer_that_closes_mid_stream_is_an_error_not_a_hang() {
        let (there, from_here) = io::pipe().unwrap();
        let (from_there, here) = io::pipe().unwrap();
        drop((there, here));
        let mut near = PipeLink {
            from: from_there,
            to: from_here,
            buffer: Vec::new(),
        };
        let err = format!(
            "{:#}",
            round_trips(io::sink(), &mut near, &message(8), 1).unwrap_err()
        );
        assert!(err.contains("ipc: writing to the pipe"), "{err}");
    }
}
