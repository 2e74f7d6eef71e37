"""A PostgreSQL primary and a streaming replica of it, each on its own port, in a folder of
their own, so the machine's own cluster (5432) is never reconfigured.

    .venv/bin/python bench/load/replica.py start [--primary-port 5435] [--replica-port 5433]
    .venv/bin/python bench/load/replica.py stop --dir /tmp/cohort-pg-XXXX

`start` runs initdb for the primary (trust for 127.0.0.1 only, as the postgres user), starts
it, takes a base backup with `pg_basebackup -R -X stream` (the replica's standby.signal and
primary_conninfo), starts that as a hot standby, checks that it streams, and prints both
URLs and the folder; `stop` stops both and removes the folder. bench/load/scaleout.py uses the
same functions through `Clusters`. Needs root (it runs the PostgreSQL binaries as postgres).
"""

import argparse
import glob
import os
import shutil
import subprocess  # noqa: S404 - our own PostgreSQL binaries
import sys
import tempfile
import time
from pathlib import Path

import psycopg


def _bin(name: str) -> str:
    """The newest installed PostgreSQL's binary (Debian keeps them off PATH)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    if not found:
        raise SystemExit(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _version(path: str) -> int:
    return int(Path(path).parts[4])


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["/usr/sbin/runuser", "-u", "postgres", "--", *args],
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


class Clusters:
    """A primary on `primary_port` and its streaming replica on `replica_port`."""

    def __init__(self, *, primary_port: int = 5435, replica_port: int = 5433, base: str = ""):
        self.primary_port = primary_port
        self.replica_port = replica_port
        self.base = Path(base or tempfile.mkdtemp(prefix="cohort-pg-"))
        self.primary_dir = self.base / "primary"
        self.replica_dir = self.base / "replica"
        self.started: list[Path] = []

    def url(self, database: str, *, replica: bool = False) -> str:
        port = self.replica_port if replica else self.primary_port
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def connect(self, *, replica: bool = False, database: str = "postgres") -> psycopg.Connection:
        port = self.replica_port if replica else self.primary_port
        return psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname=database, autocommit=True
        )

    # --- start ------------------------------------------------------------------------
    def start(self) -> None:
        for port in (self.primary_port, self.replica_port):
            if _answers(port):
                raise SystemExit(f"Something already listens on 127.0.0.1:{port}; not mine.")
        shutil.chown(self.base, "postgres", "postgres")
        self.base.chmod(0o755)
        self._start_primary()
        self._start_replica()

    def _start_primary(self) -> None:
        _as_postgres(
            [
                _bin("initdb"),
                "-D",
                str(self.primary_dir),
                "-U",
                "postgres",
                "--auth=trust",  # only 127.0.0.1 and our own socket folder (below)
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        _append(
            self.primary_dir / "postgresql.conf",
            port=self.primary_port,
            listen_addresses="'127.0.0.1'",
            unix_socket_directories=f"'{self.base}'",
            wal_level="replica",
            max_wal_senders=4,
            hot_standby="on",
            shared_buffers="'256MB'",
            max_connections=200,
            # Statement counts per server, the replica's own included (bench/load/scaleout.py).
            shared_preload_libraries="'pg_stat_statements'",
        )
        self._pg_ctl(self.primary_dir, "start")
        with self.connect() as primary:
            primary.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def _start_replica(self) -> None:
        _as_postgres(
            [
                _bin("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.primary_port),
                "-U",
                "postgres",
                "-D",
                str(self.replica_dir),
                "-R",  # standby.signal and primary_conninfo: a streaming standby
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        _append(self.replica_dir / "postgresql.conf", port=self.replica_port)
        self._pg_ctl(self.replica_dir, "start")
        self.wait_streaming()

    def _pg_ctl(self, data_dir: Path, action: str) -> None:
        log = data_dir / "server.log"
        _as_postgres([_bin("pg_ctl"), "-D", str(data_dir), "-l", str(log), "-w", action])
        if action == "start":
            self.started.append(data_dir)

    def wait_streaming(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.connect() as primary:
                states = primary.execute("SELECT state FROM pg_stat_replication").fetchall()
            if ("streaming",) in states:
                return
            time.sleep(0.2)
        raise RuntimeError("the replica did not start streaming")

    def wait_caught_up(self, timeout: float = 120) -> float:
        """Seconds until the replica has replayed everything the primary has written."""
        started = time.monotonic()
        with self.connect() as primary, self.connect(replica=True) as replica:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
            while time.monotonic() - started < timeout:
                behind = replica.execute(
                    "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [target]
                ).fetchone()[0]
                if behind <= 0:
                    return time.monotonic() - started
                time.sleep(0.05)
        raise RuntimeError("the replica did not catch up")

    # --- stop -------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop what this object started (replica first), then remove the folder."""
        for data_dir in (self.replica_dir, self.primary_dir):
            if (data_dir / "postmaster.pid").exists():
                try:
                    _as_postgres([_bin("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"])
                except subprocess.CalledProcessError as exc:
                    print(f"pg_ctl stop {data_dir}: {exc.stderr.strip()}", file=sys.stderr)
        shutil.rmtree(self.base, ignore_errors=True)


def _append(conf: Path, **values) -> None:
    """Later lines of postgresql.conf win over the defaults above them."""
    lines = "".join(f"{key} = {value}\n" for key, value in values.items())
    with conf.open("a", encoding="utf-8") as handle:
        handle.write("\n# bench/load/replica.py\n" + lines)


def _answers(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    start = sub.add_parser("start", help="a primary and its streaming replica")
    start.add_argument("--primary-port", type=int, default=5435)
    start.add_argument("--replica-port", type=int, default=5433)
    stop = sub.add_parser("stop", help="stop both and remove their folder")
    stop.add_argument("--dir", required=True, help="the folder `start` printed")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("Run as root: the clusters run as the postgres user.")

    if args.action == "stop":
        if not (Path(args.dir) / "primary").is_dir():
            raise SystemExit(f"{args.dir} holds no cluster of bench/load/replica.py")
        Clusters(base=args.dir).stop()
        print(f"Stopped and removed {args.dir}.")
        return
    clusters = Clusters(primary_port=args.primary_port, replica_port=args.replica_port)
    try:
        clusters.start()
    except BaseException:
        clusters.stop()
        raise
    with clusters.connect(replica=True) as replica:
        in_recovery = replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    print(f"primary: {clusters.url('postgres')}")
    print(f"replica: {clusters.url('postgres', replica=True)} (in recovery: {in_recovery})")
    print(f"folder:  {clusters.base}")
    print(f"stop with: .venv/bin/python bench/load/replica.py stop --dir {clusters.base}")


if __name__ == "__main__":
    main()
