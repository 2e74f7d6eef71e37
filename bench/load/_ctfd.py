"""CTFd beside Cohort: a peer's scoreboard measured in the same interleaved run. Nothing of
CTFd lives in this repository: `--ctfd PATH` names a CTFd checkout (3.x); this module makes a
virtualenv for it under the temporary folder (its requirements.txt from PyPI, with uv when
it is there, else pip), fills a fresh SQLite database (bench/load/ctfd_populate.py, run by
CTFd's own Python) and serves it with gunicorn on 127.0.0.1, stopped in a `finally`."""

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _serve import BACKLOG, stop_process_group, wait_ready

HERE = Path(__file__).resolve().parent
# The class CTFd's create_app() loads: its own Config, the cache where this run says.
CONFIG = """from CTFd.config import Config

Config.CACHE_DIR = {cache_dir!r}
"""


def venv(checkout: Path) -> Path:
    """The Python of a virtualenv with the checkout's requirements, made once per
    requirements.txt (a `.ready` file marks a finished install)."""
    requirements = checkout / "requirements.txt"
    if not requirements.exists():
        raise SystemExit(f"{checkout} is not a CTFd checkout (no requirements.txt)")
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"cohort-bench-ctfd-{digest}"
    python = folder / "bin" / "python"
    if (folder / ".ready").exists():
        return python
    print(f"  CTFd: making its virtualenv in {folder} (a few minutes the first time)", flush=True)
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if Path(uv).exists():
        subprocess.run([uv, "venv", "--python", "3.11", str(folder)], check=True)
        install = [uv, "pip", "install", "--python", str(python)]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        install = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*install, "-r", str(requirements)], check=True, timeout=1_800)
    (folder / ".ready").touch()
    return python


def environment(checkout: Path, folder: Path, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update({
        "DATABASE_URL": f"sqlite:///{folder / 'ctfd.db'}",
        "SECRET_KEY": "bench-ctfd-not-secret-" + "x" * 40,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "LOG_FOLDER": str(folder / "logs"),
        "PYTHONPATH": os.pathsep.join([str(checkout), str(folder)]),  # CTFd, its config
        "PYTHONDONTWRITEBYTECODE": "1",  # nothing written into the checkout
    })  # fmt: skip
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def populate(python: Path, checkout: Path, folder: Path, env: dict, sizes: dict) -> dict:
    """A CTF with `sizes` users, challenges and solves; returns what the scenarios need
    (users' API tokens, challenge ids and flags, the board's size)."""
    (folder / "uploads").mkdir(exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    (folder / "cache").mkdir(exist_ok=True)
    (folder / "bench_ctfd_config.py").write_text(CONFIG.format(cache_dir=str(folder / "cache")))
    out = folder / "ctfd-context.json"
    arguments = [f"--{key}={value}" for key, value in sizes.items()]
    subprocess.run(
        [str(python), str(HERE / "ctfd_populate.py"), f"--out={out}", *arguments],
        cwd=checkout, env=env, check=True, timeout=900,
    )  # fmt: skip
    return json.loads(out.read_text())


@contextlib.contextmanager
def serving(python: Path, checkout: Path, env: dict, port: int, workers: int):
    """CTFd under gunicorn (sync workers, as Cohort is served) on 127.0.0.1:`port`."""
    quiet = not os.environ.get("BENCH_DEBUG")
    process = subprocess.Popen(
        [str(python), "-m", "gunicorn", "CTFd:create_app('bench_ctfd_config.Config')",
         f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--worker-class=sync",
         f"--backlog={BACKLOG}", "--timeout=60", "--keep-alive=75", "--log-level=warning"],
        cwd=checkout, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL if quiet else None,
    )  # fmt: skip
    try:
        wait_ready(process, port, "/api/v1/scoreboard/top/10", name="CTFd", seconds=120, timeout=5)
        yield process
    finally:
        stop_process_group(process)
