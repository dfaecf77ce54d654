//! CPU time of the bench's own thread and of its child processes, from /proc (no libc call:
//! the workspace forbids unsafe code), because the machine is shared and wall time is inflated
//! by other processes.

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

/// Seconds on the CPU of the calling thread: the scheduler's `se.sum_exec_runtime`
/// (milliseconds, with microseconds) when /proc has it, else user and system ticks.
pub fn thread() -> f64 {
    let sched = std::fs::read_to_string("/proc/thread-self/sched").unwrap_or_default();
    let runtime = sched.lines().find_map(|l| {
        let (key, value) = l.split_once(':')?;
        (key.trim() == "se.sum_exec_runtime")
            .then(|| value.trim().parse::<f64>().ok())
            .flatten()
    });
    if let Some(ms) = runtime {
        return ms / 1000.0;
    }
    let [u, s, _, _] = times("/proc/thread-self/stat");
    u + s
}

/// User and system seconds of the process's waited-for children (and theirs).
pub fn children() -> f64 {
    let [_, _, cu, cs] = times("/proc/self/stat");
    cu + cs
}
