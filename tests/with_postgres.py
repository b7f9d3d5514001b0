"""Run a command against a throwaway PostgreSQL server: ``python tests/with_postgres.py CMD...``.

Starts a new cluster in a temporary folder on a free port of 127.0.0.1 (as the ``postgres``
user when run as root: PostgreSQL refuses to run as root), sets ``DATABASE_URL`` for the
command, runs it, stops the server and removes the folder. The exit status is the command's.

Without PostgreSQL's programs (Debian's package ``postgresql``) it fails when ``CI`` is set,
and otherwise says loudly that the PostgreSQL run was not made.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl: Debian keeps them under /usr/lib/postgresql/<v>/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(found)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return Path(candidate).parent
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_server_user(command: list[str]) -> list[str]:
    """The command run as the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def main(command: list[str]) -> int:
    if not command:
        print("usage: python tests/with_postgres.py COMMAND [ARGUMENTS...]", file=sys.stderr)
        return 2
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = (
            "PostgreSQL's programs (initdb, pg_ctl) were not found: install Debian's package "
            "'postgresql' (make test does so)."
        )
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            print(f"FAILED: {message}", file=sys.stderr)
            return 1
        print(f"\n*** The tests were NOT run against PostgreSQL. {message}\n", file=sys.stderr)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="cleanprod-postgres-"))
    data, port = folder / "data", free_port()
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(folder, server_user.pw_uid, server_user.pw_gid)
    try:
        subprocess.run(
            as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        subprocess.run(
            as_server_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(folder / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        environment = dict(
            os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/postgres"
        )
        print(f"PostgreSQL ({bin_dir.parent.name}) on 127.0.0.1:{port} for: {' '.join(command)}")
        return subprocess.run(command, env=environment).returncode
    except subprocess.CalledProcessError as error:
        log = folder / "server.log"
        print(f"PostgreSQL could not be started: {error}", file=sys.stderr)
        if log.exists():
            print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
        return 1
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
