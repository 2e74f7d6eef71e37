"""Lighthouse scores of the dashboard, the map and the leaderboards, signed in as a member.

A bounded run: in a scratch folder (COHORT_VAR_DIR, so SQLite and collected static files
stay out of var/) it migrates, seeds the demo data, collects static files, starts gunicorn
on 127.0.0.1 with DEBUG off (static files from WhiteNoise), signs in as a demo member with
requests, runs Lighthouse on each page with the session cookie, prints the scores and
stops the server.

    .venv/bin/python bench/load/lighthouse.py                      # desktop preset
    .venv/bin/python bench/load/lighthouse.py --preset mobile      # Lighthouse's default (mobile)

Needs Node and Lighthouse (`npm install --prefix /tmp/lh lighthouse`, or LIGHTHOUSE=path;
otherwise `npx --yes lighthouse`) and Chromium (CHROME_PATH, default /usr/bin/chromium).
The JSON reports go in --out (default: the scratch folder, removed at the end unless --keep).
"""

import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PAGES = [("dashboard", "/"), ("map", "/map/"), ("leaderboards", "/leaderboards/")]
CATEGORIES = ["performance", "accessibility", "best-practices"]
EMAIL = "member1@demo.cohort.example"
PASSWORD = "camino-de-santiago-demo"  # noqa: S105 (the demo data's password)


def lighthouse_command() -> list[str]:
    explicit = os.environ.get("LIGHTHOUSE")
    if explicit:
        return [explicit]
    local = Path("/tmp/lh/node_modules/.bin/lighthouse")  # noqa: S108 (the npm --prefix)
    if local.exists():
        return [str(local)]
    if shutil.which("lighthouse"):
        return ["lighthouse"]
    return ["npx", "--yes", "lighthouse"]


def scratch_env(var_dir: Path) -> dict:
    dropped = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"}  # the embedded default
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        COHORT_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    return env


def _png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A square PNG of one colour (zlib and struct: no imaging library here)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    rows = (b"\x00" + bytes(rgb) * size) * size
    return b"".join([b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header),
                     chunk(b"IDAT", zlib.compress(rows)), chunk(b"IEND", b"")])  # fmt: skip


class _Tiles(BaseHTTPRequestHandler):
    tile = _png((214, 232, 200))

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.tile)))
        self.send_header("Cache-Control", "max-age=86400")
        self.end_headers()
        self.wfile.write(self.tile)

    def log_message(self, *args):
        pass


def tile_server() -> ThreadingHTTPServer:
    """Map tiles on 127.0.0.1 (one plain tile for every z/x/y), for as long as this runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/login/", timeout=2)
            return
        except requests.RequestException:  # refused, or a slow first answer on a busy machine
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer on {base} within {seconds:.0f} s")


def sign_in(base: str) -> str:
    """The Cookie header of a signed-in member."""
    s = requests.Session()
    page = s.get(base + "/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(
        base + "/login/",
        data={"csrfmiddlewaretoken": token, "email": EMAIL, "password": PASSWORD, "next": "/"},
        headers={"Referer": base + "/login/"},
        timeout=10,
        allow_redirects=False,
    )
    if r.status_code != 302 or "sessionid" not in s.cookies:
        raise SystemExit(f"sign-in failed: HTTP {r.status_code}")
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items())


def run_lighthouse(url: str, cookie: str, preset: str, out: Path) -> dict:
    cmd = [
        *lighthouse_command(),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--extra-headers",
        json.dumps({"Cookie": cookie}),
        "--max-wait-for-load=30000",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = dict(os.environ)
    env.setdefault("CHROME_PATH", "/usr/bin/chromium")
    for attempt in range(1, 4):  # Chromium's trace now and then misses the navigation start
        result = subprocess.run(cmd, env=env, timeout=240)
        if result.returncode == 0:
            return json.loads(out.read_text())
        print(f"    Lighthouse failed on {url} (attempt {attempt} of 3)", flush=True)
    raise SystemExit(f"Lighthouse failed three times on {url}")


def failing_audits(report: dict, category: str) -> list[str]:
    refs = report["categories"][category]["auditRefs"]
    found = []
    for ref in refs:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) and audit.get("score") is not None and audit["score"] < 0.9:
            found.append(
                f"{ref['id']} ({audit['score']:.2f}): {audit.get('displayValue') or audit['title']}"
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", choices=["desktop", "mobile"], default="desktop")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--out", type=Path, default=None, help="folder for the JSON reports")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--tiles",
        default="local",
        help="the map's MAP_TILE_URL: 'local' (default) a tile server on 127.0.0.1 made here, "
        "since this machine reaches no tile server; 'setting' the app's own; or a URL",
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="cohort-lh-"))
    out_dir = args.out or var_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    env = scratch_env(var_dir)
    tiles = None
    if args.tiles == "local":
        tiles = tile_server()
        env["MAP_TILE_URL"] = f"http://127.0.0.1:{tiles.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    elif args.tiles != "setting":
        env["MAP_TILE_URL"] = args.tiles
    print(
        f"scratch folder {var_dir}: migrate, seed_demo --members {args.members}, collectstatic",
        flush=True,
    )
    manage(env, "migrate", "--verbosity=0")
    manage(env, "seed_demo", "--members", str(args.members))
    manage(env, "collectstatic", "--noinput", "--verbosity=0")

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    rows = []
    try:
        wait_up(base)
        cookie = sign_in(base)
        for name, path in PAGES:
            report = run_lighthouse(base + path, cookie, args.preset, out_dir / f"{name}.json")
            final = report.get("finalDisplayedUrl") or report.get("finalUrl")
            if "/login/" in final:
                raise SystemExit(f"{path} redirected to sign-in: the cookie was not accepted")
            scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
            rows.append((name, path, scores))
            print(f"{path}: " + ", ".join(f"{c} {s}" for c, s in scores.items()), flush=True)
            for c in ("performance", "accessibility"):
                for line in failing_audits(report, c):
                    print(f"    {c}: {line}")
    finally:
        if tiles is not None:
            tiles.shutdown()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    print()
    print(f"Lighthouse, preset {args.preset}, signed in as {EMAIL}")
    print("| page | performance | accessibility | best practices |")
    print("|---|---|---|---|")
    for name, path, s in rows:
        print(f"| `{path}` ({name}) | " + " | ".join(str(s[c]) for c in CATEGORIES) + " |")


if __name__ == "__main__":
    main()
