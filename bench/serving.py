"""What the served benchmarks share: a free port, an empty database, waiting for /healthz,
and stopping the server."""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine, text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(url: str | None, folder: Path, name: str = "bench") -> Iterator[str]:
    """A URL of an empty database: a SQLite file in ``folder``, or a schema of its own in the
    given PostgreSQL database (dropped afterwards)."""
    if url is None:
        yield f"sqlite:///{folder / f'{name}-{uuid.uuid4().hex[:6]}.db'}"
        return
    schema = f"handoff_bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def wait_healthy(
    port: int, process: subprocess.Popen[bytes], timeout: float = 60, poll: float = 0.05
) -> None:
    """Until the server answers 200 on /healthz; exits the benchmark if it dies or is late."""
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            if session.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(poll)
    process.kill()
    raise SystemExit(f"the server on port {port} did not answer /healthz in {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
