//! An implementation in another process, driven over the JSON-lines protocol.
//!
//! The process is started without a shell (program and arguments as a list, in a working
//! directory the user chooses). Its standard output is read by a thread that forwards complete
//! lines over a channel, so every wait is a `recv_timeout` bounded by the per-call limit and the
//! total limit: a hung, crashed or babbling implementation yields a diagnosis naming the request
//! and the raw line, never a hang. Its standard error is drained by a second thread and its tail
//! attached to diagnoses. After a fatal error the process is killed and every later request
//! fails at once.

use crate::conform::implementation::{
    ImplError, Implementation, PartialObservation, StderrTail, clip,
};
use crate::conform::protocol::{Capabilities, ImplInfo, PROTOCOL_VERSION, Reply, Request, to_line};
use crate::step::StepOutcome;
use sharesim_core::{Call, WorldSpec};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The longest line accepted from an implementation.
const MAX_LINE: u64 = 64 * 1024 * 1024;
/// How much of an implementation's standard error is kept for diagnoses.
const STDERR_TAIL: usize = 4000;
/// How long a process that closed its output is given to exit before it is called hung.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// A program and its arguments, run without a shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// The program (looked up in `PATH` when it has no `/`).
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// The working directory; the runner's own when absent.
    pub cwd: Option<PathBuf>,
}

impl CommandLine {
    /// Splits `'prog arg "quoted arg"'` with POSIX-shell-like quoting (no expansion, no
    /// redirection: nothing but splitting) and appends `extra` arguments verbatim.
    pub fn parse(
        line: &str,
        extra: &[String],
        cwd: Option<PathBuf>,
    ) -> Result<CommandLine, String> {
        let mut words = shlex::split(line)
            .ok_or_else(|| format!("cannot split the command {line:?}: unbalanced quotes"))?
            .into_iter();
        let program = words
            .next()
            .ok_or_else(|| "the implementation command is empty".to_owned())?;
        let mut args: Vec<String> = words.collect();
        args.extend(extra.iter().cloned());
        Ok(CommandLine { program, args, cwd })
    }
}

/// Time limits for a subprocess implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For one answer (hello, reset, call or observe).
    pub call: Duration,
    /// For the whole session, from the start of the process.
    pub total: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            call: Duration::from_secs(10),
            total: Duration::from_secs(600),
        }
    }
}

enum LineEvent {
    Line(String),
    Eof,
    Failed(String),
}

/// An implementation in a child process.
#[derive(Debug)]
pub struct SubprocessImpl {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<LineEvent>,
    stderr: Arc<Mutex<String>>,
    stderr_done: Receiver<()>,
    limits: Limits,
    deadline: Instant,
    info: ImplInfo,
    capabilities: Capabilities,
    broken: Option<String>,
    calls: usize,
}

impl SubprocessImpl {
    /// Starts the program and performs the handshake.
    pub fn spawn(command: &CommandLine, limits: Limits) -> Result<SubprocessImpl, ImplError> {
        let mut cmd = std::process::Command::new(&command.program);
        cmd.args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = &command.cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn().map_err(|source| ImplError::Spawn {
            program: command.program.clone(),
            source,
        })?;
        let started = Instant::now();
        let stdin = child.stdin.take();
        let (line_tx, lines) = channel();
        if let Some(stdout) = child.stdout.take() {
            thread::spawn(move || {
                let mut reader = BufReader::new(stdout);
                loop {
                    let mut buf = Vec::new();
                    let read = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut buf);
                    let event = match read {
                        Ok(0) => LineEvent::Eof,
                        Ok(_) if !buf.ends_with(b"\n") && buf.len() as u64 >= MAX_LINE => {
                            LineEvent::Failed(format!("a line longer than {MAX_LINE} bytes"))
                        }
                        Ok(_) => {
                            let text = String::from_utf8_lossy(&buf);
                            LineEvent::Line(text.trim_end_matches(['\n', '\r']).to_owned())
                        }
                        Err(e) => LineEvent::Failed(format!("reading its output failed: {e}")),
                    };
                    let last = !matches!(event, LineEvent::Line(_));
                    if line_tx.send(event).is_err() || last {
                        break;
                    }
                }
            });
        }
        let stderr = Arc::new(Mutex::new(String::new()));
        let (done_tx, stderr_done) = channel();
        if let Some(mut err) = child.stderr.take() {
            let tail = Arc::clone(&stderr);
            thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                while let Ok(n) = err.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut text) = tail.lock() {
                        text.push_str(&String::from_utf8_lossy(chunk.get(..n).unwrap_or(&[])));
                        if text.len() > 2 * STDERR_TAIL {
                            let mut cut = text.len() - STDERR_TAIL;
                            while !text.is_char_boundary(cut) {
                                cut += 1;
                            }
                            text.replace_range(..cut, "");
                        }
                    }
                }
                let _ = done_tx.send(());
            });
        }
        let mut this = SubprocessImpl {
            child,
            stdin,
            lines,
            stderr,
            stderr_done,
            limits,
            deadline: started + limits.total,
            info: ImplInfo::default(),
            capabilities: Capabilities::default(),
            broken: None,
            calls: 0,
        };
        this.handshake()?;
        Ok(this)
    }

    /// The implementation's name and version from the handshake.
    pub fn info(&self) -> &ImplInfo {
        &self.info
    }

    fn handshake(&mut self) -> Result<(), ImplError> {
        let request = "hello".to_owned();
        let line = self.exchange(
            &Request::Hello {
                protocol: PROTOCOL_VERSION,
            },
            &request,
        )?;
        // The version is checked before the shape: an implementation of another version may
        // answer with a different hello.
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&line)
            && value.get("type").and_then(|t| t.as_str()) == Some("hello")
            && let Some(theirs) = value.get("protocol").and_then(serde_json::Value::as_u64)
            && theirs != u64::from(PROTOCOL_VERSION)
        {
            return Err(self.fail(ImplError::Version {
                theirs: u32::try_from(theirs).unwrap_or(u32::MAX),
                ours: PROTOCOL_VERSION,
                line: clip(&line),
            }));
        }
        match self.parse(&line, &request)? {
            Reply::Hello {
                implementation,
                capabilities,
                ..
            } => {
                self.info = implementation;
                self.capabilities = capabilities;
                Ok(())
            }
            _ => Err(self.fail(ImplError::Unexpected {
                request,
                line: clip(&line),
                expected: "a hello",
            })),
        }
    }

    fn tail(&self) -> StderrTail {
        let text = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        let mut start = text.len().saturating_sub(STDERR_TAIL);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        StderrTail(text.get(start..).unwrap_or_default().to_owned())
    }

    /// Marks the process unusable, kills it and returns the diagnosis.
    fn fail(&mut self, error: ImplError) -> ImplError {
        self.broken = Some(error.to_string());
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
        error
    }

    /// The diagnosis when the output closed: exited (with its status) or merely closed.
    fn gone(&mut self, request: &str) -> ImplError {
        let until = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < until => thread::sleep(Duration::from_millis(10)),
                _ => break None,
            }
        };
        if status.is_some() {
            // Let the stderr reader catch the last words (a traceback) before reporting.
            let _ = self.stderr_done.recv_timeout(EXIT_GRACE);
        }
        let stderr = self.tail();
        let error = match status {
            Some(status) => ImplError::Exited {
                request: request.to_owned(),
                status: status.to_string(),
                stderr,
            },
            None => ImplError::ClosedOutput {
                request: request.to_owned(),
                stderr,
            },
        };
        self.fail(error)
    }

    /// Sends one request and returns the raw answer line.
    fn exchange(&mut self, request: &Request, label: &str) -> Result<String, ImplError> {
        if let Some(reason) = &self.broken {
            return Err(ImplError::State {
                request: label.to_owned(),
                reason: format!("the implementation is unusable after an earlier error: {reason}"),
            });
        }
        let sent = match self.stdin.as_mut() {
            Some(stdin) => writeln!(stdin, "{}", to_line(request)).and_then(|()| stdin.flush()),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "standard input is closed",
            )),
        };
        if let Err(source) = sent {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Err(self.gone(label));
            }
            let stderr = self.tail();
            return Err(self.fail(ImplError::Io {
                request: label.to_owned(),
                source,
                stderr,
            }));
        }
        let call_deadline = Instant::now() + self.limits.call;
        let deadline = call_deadline.min(self.deadline);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(LineEvent::Line(line)) => {
                    if line.trim().is_empty() {
                        continue;
                    }
                    return Ok(line);
                }
                Ok(LineEvent::Failed(reason)) => {
                    return Err(self.fail(ImplError::BadMessage {
                        request: label.to_owned(),
                        line: String::new(),
                        reason,
                    }));
                }
                Ok(LineEvent::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.gone(label));
                }
                Err(RecvTimeoutError::Timeout) => {
                    let stderr = self.tail();
                    let error = if self.deadline <= call_deadline {
                        ImplError::TotalTimeout {
                            request: label.to_owned(),
                            limit_s: self.limits.total.as_secs(),
                            stderr,
                        }
                    } else {
                        ImplError::Timeout {
                            request: label.to_owned(),
                            limit_ms: u64::try_from(self.limits.call.as_millis())
                                .unwrap_or(u64::MAX),
                            stderr,
                        }
                    };
                    return Err(self.fail(error));
                }
            }
        }
    }

    fn parse(&mut self, line: &str, label: &str) -> Result<Reply, ImplError> {
        serde_json::from_str::<Reply>(line).map_err(|e| {
            self.fail(ImplError::BadMessage {
                request: label.to_owned(),
                line: clip(line),
                reason: e.to_string(),
            })
        })
    }

    /// Sends `bye`, closes the input and waits briefly for the process to exit, then kills it.
    pub fn shutdown(&mut self) {
        if self.broken.is_none() {
            if let Some(stdin) = self.stdin.as_mut() {
                let _ = writeln!(stdin, "{}", to_line(&Request::Bye)).and_then(|()| stdin.flush());
            }
            self.stdin = None;
            let until = Instant::now() + EXIT_GRACE;
            while let Ok(None) = self.child.try_wait() {
                if Instant::now() >= until {
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
            self.broken = Some("the session was shut down".to_owned());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SubprocessImpl {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Implementation for SubprocessImpl {
    fn capabilities(&self) -> Capabilities {
        self.capabilities.clone()
    }

    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError> {
        self.calls = 0;
        let label = "reset".to_owned();
        let line = self.exchange(&Request::Reset { spec: spec.clone() }, &label)?;
        match self.parse(&line, &label)? {
            Reply::Ok => Ok(()),
            Reply::Unsupported { reason } => Err(ImplError::Unsupported {
                request: label,
                reason,
            }),
            _ => Err(self.fail(ImplError::Unexpected {
                request: label,
                line: clip(&line),
                expected: "ok or unsupported",
            })),
        }
    }

    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError> {
        self.calls += 1;
        let label = format!("call #{} ({})", self.calls, call.op.kind().name());
        let line = self.exchange(&Request::Call { call: call.clone() }, &label)?;
        match self.parse(&line, &label)? {
            Reply::Response { response } => Ok(StepOutcome::Ok(response)),
            Reply::Error { exception, .. } => Ok(StepOutcome::Err { exception }),
            Reply::Unsupported { reason } => Err(ImplError::Unsupported {
                request: label,
                reason,
            }),
            _ => Err(self.fail(ImplError::Unexpected {
                request: label,
                line: clip(&line),
                expected: "response, error or unsupported",
            })),
        }
    }

    fn observe(&mut self) -> Result<PartialObservation, ImplError> {
        let label = format!("observe after call #{}", self.calls);
        let line = self.exchange(&Request::Observe, &label)?;
        match self.parse(&line, &label)? {
            Reply::Observation { observation } => Ok(PartialObservation(observation)),
            _ => Err(self.fail(ImplError::Unexpected {
                request: label,
                line: clip(&line),
                expected: "an observation",
            })),
        }
    }
}
