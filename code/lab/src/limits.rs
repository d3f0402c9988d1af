//! What stops a process from starting one more thread, read from Linux's `/proc` and
//! `/sys`: the `many-waits` experiment quotes these when a thread fails to start, so that the
//! page says which limit this machine hit instead of guessing.
//!
//! A failed thread start says only `EAGAIN` ("Resource temporarily unavailable") or `ENOMEM`
//! ("Cannot allocate memory"), whichever limit was hit. Each limit below is read at the moment of the failure,
//! with how much of it is in use, and the ones within 1% of their cap are marked as reached.
//!
//! - `kernel.pid_max`: every thread takes a PID, so the threads of the whole machine count.
//! - `kernel.threads-max`: the kernel's own cap on threads, from the memory it has.
//! - `ulimit -u` (`RLIMIT_NPROC`): threads of one user; the whole machine's count stands in
//!   for the user's, as an upper bound. Root is exempt from it.
//! - the cgroup's `pids.max`: a container's cap on its threads and processes.
//! - `vm.max_map_count`: memory maps of one process; a Rust thread takes four: its stack and
//!   the stack's guard page, and the alternate stack std gives it for reporting a stack
//!   overflow, with that stack's guard page.
//! - memory: what the kernel still has available.

use std::fmt;
use std::fs;

use crate::results::grouped;

/// One limit, and how much of it is in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// The name a reader would look it up by (`vm.max_map_count`).
    pub name: &'static str,
    /// What counts against it, in words (`memory maps in this process`).
    pub counts: &'static str,
    /// How much is in use.
    pub in_use: u64,
    /// The cap.
    pub cap: u64,
    /// Whether `in_use` and `cap` are bytes, written in GB, rather than counts.
    pub bytes: bool,
}

impl Limit {
    /// Whether `in_use` is within 1% of `cap`: reached, as far as one reading can tell.
    pub fn reached(&self) -> bool {
        self.in_use.saturating_add(self.cap / 100) >= self.cap
    }
}

/// Every limit on threads this machine let us read, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadLimits {
    /// The limits, in the order the module's documentation lists them.
    pub limits: Vec<Limit>,
}

/// Reads every limit on threads that can be read here; one that cannot (no cgroup pids
/// controller, an unlimited `ulimit -u`) is left out.
pub fn thread_limits() -> ThreadLimits {
    let tasks = read("/proc/loadavg").and_then(|text| tasks_on_machine(&text));
    let threads = "threads and processes on the machine";
    let mut limits = Vec::new();
    let mut push = |name, counts, in_use: Option<u64>, cap: Option<u64>| {
        if let (Some(in_use), Some(cap)) = (in_use, cap) {
            limits.push(Limit {
                name,
                counts,
                in_use,
                cap,
                bytes: name == "memory",
            });
        }
    };
    push(
        "kernel.pid_max",
        threads,
        tasks,
        number("/proc/sys/kernel/pid_max"),
    );
    push(
        "kernel.threads-max",
        threads,
        tasks,
        number("/proc/sys/kernel/threads-max"),
    );
    let limits_file = read("/proc/self/limits");
    push(
        "ulimit -u",
        threads,
        tasks,
        limits_file
            .as_deref()
            .and_then(|text| soft_limit(text, "Max processes")),
    );
    let (pids, pids_cap) = cgroup_pids();
    push("cgroup pids.max", "threads in this cgroup", pids, pids_cap);
    push(
        "vm.max_map_count",
        "memory maps in this process",
        read("/proc/self/maps").map(|maps| maps.lines().count() as u64),
        number("/proc/sys/vm/max_map_count"),
    );
    let meminfo = read("/proc/meminfo");
    let field = |name| {
        meminfo
            .as_deref()
            .and_then(|text| meminfo_bytes(text, name))
    };
    let (total, available) = (field("MemTotal:"), field("MemAvailable:"));
    push(
        "memory",
        "of memory in use",
        total.zip(available).map(|(t, a)| t.saturating_sub(a)),
        total,
    );
    ThreadLimits { limits }
}

/// The soft limit on open files (`ulimit -n`), if it is not unlimited: a process that is both
/// client and server of N loopback connections holds 2N sockets.
pub fn open_files_limit() -> Option<u64> {
    soft_limit(&read("/proc/self/limits")?, "Max open files")
}

impl ThreadLimits {
    /// The limits within 1% of their cap.
    pub fn reached(&self) -> Vec<&Limit> {
        self.limits.iter().filter(|l| l.reached()).collect()
    }
}

impl fmt::Display for ThreadLimits {
    /// `the limit reached: vm.max_map_count (65,530 memory maps in this process of
    /// 65,530); the others: kernel.pid_max (…), …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let describe = |l: &Limit| {
            let amount = |n: u64| match l.bytes {
                true => format!("{:.2} GB", n as f64 / 1e9),
                false => grouped(n),
            };
            format!(
                "{} ({} {} of {})",
                l.name,
                amount(l.in_use),
                l.counts,
                amount(l.cap)
            )
        };
        let (reached, others): (Vec<&Limit>, Vec<&Limit>) =
            self.limits.iter().partition(|l| l.reached());
        let list = |ls: &[&Limit]| {
            ls.iter()
                .map(|l| describe(l))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match reached.len() {
            0 => write!(f, "no limit was within 1% of its cap")?,
            1 => write!(f, "the limit reached: {}", list(&reached))?,
            _ => write!(f, "the limits reached: {}", list(&reached))?,
        }
        if !others.is_empty() {
            write!(f, "; the others: {}", list(&others))?;
        }
        Ok(())
    }
}

fn read(path: &str) -> Option<String> {
    fs::read_to_string(path).ok()
}

fn number(path: &str) -> Option<u64> {
    read(path)?.trim().parse().ok()
}

/// The fourth field of `/proc/loadavg`, `running/total`: the total, every thread and process
/// on the machine.
fn tasks_on_machine(loadavg: &str) -> Option<u64> {
    let field = loadavg.split_whitespace().nth(3)?;
    field.split_once('/')?.1.parse().ok()
}

/// The soft limit on a `/proc/PID/limits` line such as
/// `Max processes   96364   96364   processes`; `None` where it is `unlimited`.
fn soft_limit(limits: &str, name: &str) -> Option<u64> {
    let line = limits.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// A `NAME:   1234 kB` line of `/proc/meminfo`, in bytes.
fn meminfo_bytes(meminfo: &str, name: &str) -> Option<u64> {
    let line = meminfo.lines().find(|line| line.starts_with(name))?;
    let kib: u64 = line[name.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024)
}

/// This process's cgroup's `pids.current` and `pids.max`, under cgroup v2 or v1's pids
/// controller; `None` for either where there is none, or no cap (`max`).
fn cgroup_pids() -> (Option<u64>, Option<u64>) {
    let Some(cgroups) = read("/proc/self/cgroup") else {
        return (None, None);
    };
    let dir = cgroups.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        match controllers {
            "" => Some(format!("/sys/fs/cgroup{path}")),
            c if c.split(',').any(|c| c == "pids") => Some(format!("/sys/fs/cgroup/pids{path}")),
            _ => None,
        }
    });
    match dir {
        Some(dir) => (
            number(&format!("{dir}/pids.current")),
            number(&format!("{dir}/pids.max")),
        ),
        None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_lines_are_read() {
        assert_eq!(tasks_on_machine("0.02 0.89 1.58 1/78 22466\n"), Some(78));
        assert_eq!(tasks_on_machine("0.02 0.89"), None);
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             96364                96364                processes \n\
                      Max open files            1024                 20000                files     \n\
                      Max locked memory         unlimited            unlimited            bytes     \n";
        assert_eq!(soft_limit(limits, "Max processes"), Some(96364));
        assert_eq!(soft_limit(limits, "Max open files"), Some(1024));
        assert_eq!(soft_limit(limits, "Max locked memory"), None);
        let meminfo = "MemTotal:       24683520 kB\nMemAvailable:   24305436 kB\n";
        assert_eq!(
            meminfo_bytes(meminfo, "MemAvailable:"),
            Some(24305436 * 1024)
        );
        assert_eq!(meminfo_bytes(meminfo, "MemFree:"), None);
    }

    #[test]
    fn a_limit_within_one_percent_of_its_cap_is_reached() {
        let limit = |in_use| Limit {
            name: "vm.max_map_count",
            counts: "memory maps in this process",
            in_use,
            cap: 65_530,
            bytes: false,
        };
        assert!(limit(65_530).reached());
        assert!(limit(64_900).reached());
        assert!(!limit(64_000).reached());
    }

    #[test]
    fn the_reached_limit_is_named_first() {
        let limits = ThreadLimits {
            limits: vec![
                Limit {
                    name: "kernel.pid_max",
                    counts: "threads and processes on the machine",
                    in_use: 32_760,
                    cap: 32_768,
                    bytes: false,
                },
                Limit {
                    name: "vm.max_map_count",
                    counts: "memory maps in this process",
                    in_use: 40_000,
                    cap: 65_530,
                    bytes: false,
                },
                Limit {
                    name: "memory",
                    counts: "of memory in use",
                    in_use: 1_091_731_456,
                    cap: 25_276_063_744,
                    bytes: true,
                },
            ],
        };
        assert_eq!(
            limits.to_string(),
            "the limit reached: kernel.pid_max (32,760 threads and processes on the machine of \
             32,768); the others: vm.max_map_count (40,000 memory maps in this process of \
             65,530), memory (1.09 GB of memory in use of 25.28 GB)"
        );
        assert_eq!(limits.reached().len(), 1);
        let none = ThreadLimits {
            limits: limits.limits[1..].to_vec(),
        };
        assert!(
            none.to_string()
                .starts_with("no limit was within 1% of its cap; ")
        );
    }

    #[test]
    fn this_machine_s_limits_are_read() {
        let limits = thread_limits();
        let names: Vec<&str> = limits.limits.iter().map(|l| l.name).collect();
        for name in ["kernel.pid_max", "vm.max_map_count", "memory"] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert!(open_files_limit().is_some_and(|n| n > 0));
    }
}
