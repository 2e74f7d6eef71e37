"""axe-core (npm's `axe-core`, pinned) run in Chromium on a page: the e2e suite fetches the
package itself the first time, like `make test` installs chromium, into var/cache/ (the
tarball's integrity checked against the registry's sha512 below), and later runs read it
from there. Nothing reaches the internet but that one `npm pack`.

`axe_violations(page)` answers the serious and critical violations of the page as it is
(an empty list when it is clean), each with the rule, its impact and the first nodes."""

import base64
import hashlib
import io
import os
import shutil
import subprocess  # noqa: S404 - npm, with fixed arguments
import tarfile
import tempfile
from pathlib import Path

import pytest

AXE_VERSION = "4.14.1"
# `npm view axe-core@4.14.1 dist.integrity`
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="  # noqa: E501
CACHE = Path(__file__).resolve().parent.parent / "var" / "cache" / f"axe-core-{AXE_VERSION}"
SERIOUS = ("serious", "critical")


def axe_source() -> str:
    """axe.min.js of the pinned version, fetched once with npm into var/cache/."""
    script = CACHE / "axe.min.js"
    if not script.exists():
        _fetch(script)
    return script.read_text(encoding="utf-8")


def _fetch(script: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed: it fetches axe-core for the accessibility checks")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(  # noqa: S603
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", folder, "--silent"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        tarball = Path(folder) / f"axe-core-{AXE_VERSION}.tgz"
        if done.returncode != 0 or not tarball.exists():
            _unavailable(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip()[:300]}")
        data = tarball.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    assert digest == AXE_INTEGRITY, f"axe-core {AXE_VERSION}: the tarball's integrity differs"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        source = archive.extractfile("package/axe.min.js").read()
        licence = archive.extractfile("package/LICENSE").read()
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "LICENSE").write_bytes(licence)  # MPL-2.0, kept beside the script
    partial = script.with_suffix(".part")
    partial.write_bytes(source)
    partial.replace(script)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def axe_violations(page, source: str) -> list[str]:
    """The page's serious and critical axe violations, one line each (rule, impact, help,
    where). Evaluated over the DevTools protocol, so the site's CSP does not stop it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' +
                                                (n.failureSummary || '').slice(0, 160))
          }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {' | '.join(v['nodes'])}"
        for v in results
        if v["impact"] in SERIOUS
    ]
