"""Lighthouse accessibility scores of a built site: home, a theme page and a paper page.

Lighthouse comes from npm (installed into build/node on first use) and runs
the system's Chromium (CHROME_PATH, default /usr/bin/chromium) against the
site served on a loopback port, in the light and the dark scheme. Prints each
page's score and any failing audit; exits 1 when a score is below 100.

    make site && .venv/bin/python benchmarks/lighthouse.py [site]
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "build" / "node"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"


def install() -> Path:
    if not LIGHTHOUSE.exists():
        npm = shutil.which("npm") or sys.exit("npm is needed to install Lighthouse")
        subprocess.run([npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
                        "lighthouse@12"], check=True)
    return LIGHTHOUSE


def pages(site: Path) -> dict[str, str]:
    """Home, the first theme, and the first paper with a curated summary (else the first)."""
    data = json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))
    paper = next((p for p in data["papers"] if p.get("summary")), data["papers"][0])
    return {"home": "", "theme": data["themes"][0]["url"], "paper": paper["url"]}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def audit(url: str, scheme: str) -> tuple[int, list[str]]:
    """The accessibility score (0-100) and the failing audits' titles."""
    flags = FLAGS + (" --force-dark-mode --blink-settings=preferredColorScheme=0"
                     if scheme == "dark" else "")
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    run = subprocess.run([str(LIGHTHOUSE), url, "--only-categories=accessibility", "--quiet",
                          "--output=json", "--output-path=stdout", f"--chrome-flags={flags}"],
                         capture_output=True, text=True, env=env, check=True)
    report = json.loads(run.stdout)
    failing = [a["title"] for a in report["audits"].values()
               if a.get("score") is not None and a["score"] < 1
               and a.get("scoreDisplayMode") == "binary"]
    return round(report["categories"]["accessibility"]["score"] * 100), failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="site", type=Path)
    args = parser.parse_args()
    install()
    handler = functools.partial(_Quiet, directory=str(args.site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}/"
    worst = 100
    for scheme in ("light", "dark"):
        for name, url in pages(args.site).items():
            score, failing = audit(base + url, scheme)
            worst = min(worst, score)
            print(f"{scheme:5} {name:6} {score:3}  {'; '.join(failing)}")
    httpd.shutdown()
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
