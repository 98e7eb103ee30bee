//! Shared pieces of the integration tests: the test PKI, the built C programs, ports, and
//! bounded peer processes (each killed by its own PID when the test ends).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The test PKI: the unit tests' helper, compiled into each test binary too.
#[path = "../../src/test_support.rs"]
mod test_support;

/// The test PKI (generated once by scripts/gen-test-certs.sh).
pub fn certs() -> &'static Path {
    test_support::certs_dir()
}

pub fn cert(name: &str) -> String {
    certs().join(name).to_str().unwrap().to_string()
}

/// The build directory with the C programs, built once per test binary with `make`.
pub fn build() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = Command::new("make")
            .args(["-s", "--no-print-directory", "examples", "test-support"])
            .current_dir(root())
            .output()
            .expect("run make");
        assert!(
            out.status.success(),
            "make examples failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        root().join("build")
    })
}

/// A fresh scratch directory for one test of this process (removed first if a previous run
/// left it).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mbedtls-compat-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A program of the build directory; with `COMPAT_SANITIZED_BUILD` (scripts/sanitize.sh
/// address), its sanitizer build when there is one.
pub fn program(name: &str) -> String {
    if let Some(dir) = std::env::var_os("COMPAT_SANITIZED_BUILD") {
        let sanitized = Path::new(&dir).join(name);
        if sanitized.exists() {
            build();
            return sanitized.to_str().unwrap().to_string();
        }
    }
    build().join(name).to_str().unwrap().to_string()
}

/// The memory checker a program of ours runs under: valgrind, where memory errors and definite
/// or indirect leaks make the run fail with exit code 99 (the library's global handle registry
/// is reachable, not leaked); nothing for a sanitizer build (`COMPAT_SANITIZED_BUILD`), which
/// checks itself.
pub fn memcheck() -> Vec<&'static str> {
    if std::env::var_os("COMPAT_SANITIZED_BUILD").is_some() {
        return Vec::new();
    }
    vec![
        "valgrind",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect",
        "--show-leak-kinds=definite,indirect",
        "-q",
    ]
}

/// A port on 127.0.0.1 that was free a moment ago. Ports are handed out from a per-process
/// range so that parallel tests in one binary never pick the same one.
pub fn free_port() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20000 + (std::process::id() % 2000) as u16 * 10;
    loop {
        let offset = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = base.wrapping_add(offset % 20000);
        if port < 1024 {
            continue;
        }
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// The environment variable `make test` sets to one value per run (see the Makefile).
const RUN_ID: &str = "MBEDTLS_COMPAT_TEST_RUN";
/// The environment variable every process a test starts carries, with the run's value.
const PEER_MARK: &str = "MBEDTLS_COMPAT_TEST_PEER";

/// A background process whose combined output is collected, killed (by its own PID) on drop.
pub struct Proc {
    pub name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<String>>,
    /// The threads copying stdout and stderr into `output`; they end when the pipes close.
    readers: Vec<thread::JoinHandle<()>>,
}

impl Proc {
    /// Starts `argv` bounded by `timeout` (coreutils) so that nothing outlives a stuck test.
    pub fn start(name: &str, argv: &[&str], env: &[(&str, &str)], secs: u64) -> Proc {
        let mut cmd = Command::new("timeout");
        cmd.args(["-k", "2", &secs.to_string()]).args(argv);
        // Its own process group (led by `timeout`), so that stopping it reaches every process it
        // started; and the mark of this test run, which `scripts/check-leftovers.sh` looks for
        // once `make test` is over.
        cmd.process_group(0);
        cmd.env(PEER_MARK, std::env::var(RUN_ID).unwrap_or_else(|_| "unmarked".into()));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let output = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()) as Box<dyn Read + Send>,
        ] {
            let sink = output.clone();
            readers.push(thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut line = Vec::new();
                while reader.read_until(b'\n', &mut line).map(|n| n > 0).unwrap_or(false) {
                    sink.lock().unwrap().push_str(&String::from_utf8_lossy(&line));
                    line.clear();
                }
            }));
        }
        let stdin = child.stdin.take();
        Proc { name: name.to_string(), child, stdin, output, readers }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until the output contains `pattern`; panics with the output after `secs`.
    pub fn expect(&self, pattern: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if self.output().contains(pattern) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("{}: no {:?} within {}s; output:\n{}", self.name, pattern, secs, self.output());
    }

    pub fn write(&mut self, data: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(data);
            let _ = stdin.flush();
        }
    }

    /// After the process ended: lets the reader threads copy the rest of the pipes (bounded, in
    /// case a process it started keeps them open).
    fn drain(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && self.readers.iter().any(|r| !r.is_finished()) {
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// The resident memory (kB) and open file descriptors of the program (the child of
    /// `timeout`), from /proc.
    pub fn rss_and_fds(&self) -> (u64, usize) {
        let children = format!("/proc/{0}/task/{0}/children", self.child.id());
        let text = std::fs::read_to_string(&children).unwrap_or_else(|e| panic!("{children}: {e}"));
        let pid: u32 = text.split_whitespace().next().and_then(|p| p.parse().ok()).expect("the program's PID");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
        let rss = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).expect("/proc fd").count();
        (rss, fds)
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to exit (within `secs`, else it is killed) and returns its status.
    pub fn wait(&mut self, secs: u64) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.drain();
                return status;
            }
            if Instant::now() > deadline {
                let status = self.stop();
                self.drain();
                return status;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Proc {
    /// Ends the process: SIGTERM to its process group (`timeout` and everything it started),
    /// then SIGKILL to the group if it lingers. (A SIGKILL to `timeout` alone would orphan the
    /// program.)
    fn stop(&mut self) -> ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
        // SAFETY: `kill` only sends a signal, to the process group this `Proc` started (led by
        // its process, not reaped yet, so the PID cannot have been reused).
        unsafe { libc::kill(-pid, libc::SIGTERM) };
        for _ in 0..150 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; the group is the one `start` created for this process (its PID).
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        self.child.wait().unwrap()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}

/// Runs a command to completion (bounded), feeding `stdin`; returns (status, stdout+stderr).
pub fn run(name: &str, argv: &[&str], stdin: &[u8], secs: u64) -> (ExitStatus, String) {
    let mut p = Proc::start(name, argv, &[], secs);
    p.write(stdin);
    p.close_stdin();
    let status = p.wait(secs + 5);
    (status, p.output())
}

/// Runs our `persistent_client` (c_examples/persistent_client.c) once against `port` with its
/// session file `file` and the test CA; `extra` are more of its options. Returns its output.
pub fn persistent_client(port: u16, file: &str, extra: &[&str]) -> String {
    let (p, f, ca) =
        (format!("server_port={port}"), format!("session_file={file}"), format!("ca_file={}", cert("ca.crt")));
    let client = program("persistent_client");
    let mut argv = vec![client.as_str(), p.as_str(), f.as_str(), ca.as_str()];
    argv.extend_from_slice(extra);
    let (status, out) = run("persistent_client", &argv, b"", 20);
    assert!(status.success(), "persistent_client failed:\n{out}");
    out
}

/// Starts the example server on a free port and waits until it accepts.
pub fn example_server(args: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let port_arg = format!("server_port={port}");
    let server = program("ssl_server");
    let mut argv = vec![server.as_str(), port_arg.as_str()];
    argv.extend_from_slice(args);
    let p = Proc::start("ssl_server", &argv, &[], 60);
    p.expect("Waiting for a remote connection", 20);
    (p, port)
}

/// The extra environment for peers that bind the wildcard address: confine them to loopback.
pub fn loopback_only() -> (String, String) {
    ("LD_PRELOAD".into(), program("libbindlo.so"))
}
