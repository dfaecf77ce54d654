//! CPU time of the bench's own thread (`clock_gettime`, through rustix: the workspace forbids
//! unsafe code) and of its child processes (/proc, in ticks of 10 ms), because the machine is
//! shared and wall time is inflated by other processes.

// Each bench uses what it needs of this module.
#![allow(dead_code)]

fn fields(path: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    let rest = text.rsplit_once(") ").map_or("", |(_, r)| r);
    rest.split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect()
}

/// Fields 14 to 17 of proc_pid_stat(5): utime, stime, cutime, cstime, in seconds (the fields
/// count clock ticks, `USER_HZ` = 100 on Linux).
fn times(path: &str) -> [f64; 4] {
    let f = fields(path);
    let at = |i: usize| f.get(i).copied().unwrap_or(0.0) / 100.0;
    [at(11), at(12), at(13), at(14)]
}

/// Seconds on the CPU of the calling thread, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
///
/// Not `se.sum_exec_runtime` of /proc/thread-self/sched, which these benches read until
/// 2026-12-03: the kernel updates it for a running thread only at a scheduler tick (every
/// 4 ms on the bench machine, `CONFIG_HZ=250`) or a context switch, so a reading was up to 4 ms
/// stale, a large error on the peer bench's detections of 1 to 30 ms. The clock brings the
/// running thread's time up to date first.
pub fn thread() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// User and system seconds of the process's waited-for children (and theirs).
pub fn children() -> f64 {
    let [_, _, cu, cs] = times("/proc/self/stat");
    cu + cs
}
