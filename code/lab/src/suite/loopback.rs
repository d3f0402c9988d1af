//! A loopback TCP server with injected latency, and the two clients that call it (blocking
//! std sockets and tokio's), for the `io-bound-sockets` experiment.
//!
//! One request per connection: the client sends `n\n`; the server waits [`LATENCY`] (a stand-in
//! for a database or another service), answers `n²\n` and closes. The client reads to the
//! end. The server closing first matters: the side that closes first keeps the connection in
//! `TIME_WAIT` for a minute, and on the client side that would hold one of its ~28,000
//! ephemeral ports per request, which thousands of requests per round would use up.

use std::cell::OnceCell;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::oneshot;

/// The server's latency per request in `io-bound-sockets`.
pub(super) const LATENCY: Duration = Duration::from_millis(50);

/// Connections the kernel queues before `accept`: a thousand clients connect at once. The
/// kernel caps it at `net.core.somaxconn` (4096 by default).
const BACKLOG: u32 = 4096;

/// The server, on a thread of its own running a one-thread tokio runtime: every connection is
/// a task, so one thread serves any number at once. Dropping it stops the server.
pub(super) struct LoopbackServer {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    /// Starts the server on a free loopback port, answering each request after `latency`.
    ///
    /// # Errors
    ///
    /// If the runtime cannot be built or the port cannot be bound.
    pub(super) fn start(latency: Duration) -> Result<LoopbackServer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("the loopback server's runtime")?;
        let listener = runtime
            .block_on(async {
                let socket = TcpSocket::new_v4()?;
                socket.bind((Ipv4Addr::LOCALHOST, 0).into())?;
                socket.listen(BACKLOG)
            })
            .context("the loopback server cannot listen")?;
        let address = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("loopback server".into())
            .spawn(move || {
                runtime.block_on(async {
                    tokio::select! {
                        () = serve(listener, latency) => {}
                        _ = stopped => {}
                    }
                });
            })
            .context("the loopback server's thread")?;
        Ok(LoopbackServer {
            address,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub(super) fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A server started on first use and shared by every trial of a plan; it stops when the last
/// trial holding it is dropped, so each trial's run closure holds it, not only its setup.
#[derive(Clone)]
pub(super) struct SharedServer {
    /// The experiment that uses it, for the error if it cannot start.
    experiment: &'static str,
    latency: Duration,
    server: Rc<OnceCell<LoopbackServer>>,
}

impl SharedServer {
    /// A server for `experiment`'s trials, answering after `latency`; not started yet.
    pub(super) fn new(experiment: &'static str, latency: Duration) -> SharedServer {
        SharedServer {
            experiment,
            latency,
            server: Rc::default(),
        }
    }

    /// Where it listens, starting it if this is the first use: call it in a trial's setup, so
    /// that start-up is not timed.
    pub(super) fn address(&self) -> SocketAddr {
        self.server
            .get_or_init(|| {
                LoopbackServer::start(self.latency)
                    .unwrap_or_else(|err| panic!("{}: {err:#}", self.experiment))
            })
            .address()
    }
}

/// Accepts connections for ever, one task each.
async fn serve(listener: tokio::net::TcpListener, latency: Duration) {
    loop {
        match listener.accept().await {
            Ok((socket, _)) => {
                tokio::spawn(answer(socket, latency));
            }
            // Out of file descriptors, say: the client sees its request fail and says so.
            Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
        }
    }
}

/// Reads one request, waits `latency`, answers, and closes.
async fn answer(socket: TcpStream, latency: Duration) {
    let (reader, mut writer) = socket.into_split();
    let mut line = String::new();
    if BufReader::new(reader).read_line(&mut line).await.is_err() {
        return;
    }
    let Ok(n) = line.trim().parse::<u64>() else {
        let _ = writer.write_all(b"error: send a number\n").await;
        return;
    };
    tokio::time::sleep(latency).await;
    let _ = writer
        .write_all(format!("{}\n", n.wrapping_mul(n)).as_bytes())
        .await;
}

/// One request with blocking std sockets: the calling thread sleeps in the kernel until the
/// answer comes.
///
/// # Errors
///
/// If the connection fails or the answer is not a number.
pub(super) fn blocking_request(address: SocketAddr, n: u64) -> Result<u64> {
    let mut socket = std::net::TcpStream::connect(address)
        .with_context(|| format!("cannot connect to the loopback server at {address}"))?;
    socket.write_all(format!("{n}\n").as_bytes())?;
    let mut reply = String::new();
    socket.read_to_string(&mut reply)?;
    parse_reply(&reply)
}

/// The same request with tokio's sockets: each `.await` frees the thread for other tasks.
///
/// # Errors
///
/// As [`blocking_request`].
pub(super) async fn async_request(address: SocketAddr, n: u64) -> Result<u64> {
    let mut socket = TcpStream::connect(address)
        .await
        .with_context(|| format!("cannot connect to the loopback server at {address}"))?;
    socket.write_all(format!("{n}\n").as_bytes()).await?;
    let mut reply = String::new();
    socket.read_to_string(&mut reply).await?;
    parse_reply(&reply)
}

fn parse_reply(reply: &str) -> Result<u64> {
    reply
        .trim()
        .parse()
        .with_context(|| format!("the loopback server answered `{}`", reply.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_clients_get_the_square() {
        let server = LoopbackServer::start(LATENCY).unwrap();
        assert_eq!(blocking_request(server.address(), 12).unwrap(), 144);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer = runtime.block_on(async_request(server.address(), 7));
        assert_eq!(answer.unwrap(), 49);
    }

    #[test]
    fn a_bad_request_is_answered_with_an_error_the_client_reports() {
        let server = LoopbackServer::start(LATENCY).unwrap();
        let mut socket = std::net::TcpStream::connect(server.address()).unwrap();
        socket.write_all(b"twelve\n").unwrap();
        let mut reply = String::new();
        socket.read_to_string(&mut reply).unwrap();
        let err = parse_reply(&reply).unwrap_err().to_string();
        assert!(err.contains("answered `error: send a number`"), "{err}");
    }

    #[test]
    fn a_stopped_server_refuses_connections() {
        let server = LoopbackServer::start(LATENCY).unwrap();
        let address = server.address();
        drop(server);
        let err = format!("{:#}", blocking_request(address, 1).unwrap_err());
        assert!(
            err.contains("cannot connect to the loopback server"),
            "{err}"
        );
    }
}
