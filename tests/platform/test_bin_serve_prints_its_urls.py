"""bin/serve prints, beside the demo logins, the URLs of the console and the board at the
address it serves (PORT), not a default one."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.conftest import ROOT, free_port


def test_it_prints_the_console_and_the_board(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "APP_BASE_URL"))}
    env |= {"PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    serve = subprocess.Popen(
        ["bash", "bin/serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its runserver and that one's reloader stop with it
    )
    lines = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not any(x.startswith("board:") for x in lines):
            line = serve.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=20)

    assert f"console: http://127.0.0.1:{port}/  (agents)" in lines
    assert f"board: http://127.0.0.1:{port}/supervisor/  (supervisors)" in lines
    assert any(line.startswith("demo login: agent / ") for line in lines)
