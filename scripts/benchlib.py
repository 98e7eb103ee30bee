"""What the benchmark scripts share: paths, free ports, a server process's CPU time, the servers
(the example server built against this library or Debian's Mbed TLS 2.28, and `openssl s_server`)
and `openssl s_time` runs."""
import os
import re
import socket
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CERTS = os.path.join(ROOT, "tests", "certs", "generated")
BUILD = os.path.join(ROOT, "build")
TICK = os.sysconf("SC_CLK_TCK")


def cert(name):
    return os.path.join(CERTS, name)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    """CPU time of the (single-threaded) server: /proc/PID/schedstat's run time in ns, which
    unlike utime+stime (10 ms ticks) resolves one handshake; falls back to the ticks."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        fields = stat_fields(pid)
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def stat_fields(pid):
    """/proc/PID/stat's fields after the command name (fields[11] is utime, [12] stime)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def user_seconds(pid):
    """User CPU time of a process (utime, in 10 ms ticks: meaningful over many handshakes)."""
    return int(stat_fields(pid)[11]) / TICK


def wait_listening(port, proc, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.args}")
        with open(f"/proc/net/tcp") as f:
            if any(l.split()[1].endswith(f":{port:04X}") and l.split()[3] == "0A" for l in f.readlines()[1:]):
                return
        time.sleep(0.05)
    raise RuntimeError("server did not listen")


class Server:
    """One server process; CPU time is read from /proc around each measured run. `binary`: another
    build of the example server (same options) instead of the one `kind` names."""

    def __init__(self, kind, crt, key, args, env=None, binary=None):
        self.port = free_port()
        if kind == "openssl":
            argv = ["openssl", "s_server", "-accept", f"127.0.0.1:{self.port}", "-cert", crt, "-key", key,
                    "-quiet", "-naccept", "1000000"] + args
        else:
            binary = binary or os.path.join(BUILD, "ssl_server" if kind == "ours" else "mbedtls-2.28/ssl_server")
            argv = [binary, f"server_port={self.port}", f"crt_file={crt}", f"key_file={key}"] + args
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env)
        wait_listening(self.port, self.proc)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def s_time(port, flags, seconds, env):
    argv = ["openssl", "s_time", "-connect", f"127.0.0.1:{port}", "-time", str(seconds)] + flags
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=seconds * 3 + 30).stdout
    m = re.search(r"(\d+) connections in ([\d.]+) real seconds", out)
    if not m:
        raise RuntimeError(f"s_time output not understood:\n{out}")
    return int(m.group(1)), float(m.group(2)), out
