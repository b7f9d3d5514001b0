"""``python -m cleanprod.web start``: the platform on one machine, in one command.

Checks that the address is free, brings the database up to date (SQLite in the data folder
unless ``DATABASE_URL`` names another), loads the demo on the first start (when the database
holds no organisation; not with ``--no-demo``, and never with ``CLEANPROD_DEBUG=0``), prints
the address and the demo logins, and serves the platform with gunicorn (threads in one
worker by default; static files by WhiteNoise) until Ctrl-C.

This is how ``make run`` starts the platform. A production site runs gunicorn itself behind a
reverse proxy (see the README, "The platform").
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

DEFAULT_ADDRESS = "127.0.0.1:8000"


def parse_address(text: str) -> tuple[str, int]:
    """(host, port) of ``8000``, ``127.0.0.1:8000``, ``0.0.0.0:8000`` or ``[::1]:8000``."""
    text = text.strip()
    host, _, port = text.rpartition(":")
    if not host:
        host = "127.0.0.1"
    host = host.removeprefix("[").removesuffix("]")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            f"'{text}' is not an address to serve on: give a port (8000) or a host and a port "
            "(127.0.0.1:8000, 0.0.0.0:8000 for every interface, [::1]:8000)."
        )
    return host, int(port)


def address_problem(host: str, port: int) -> str | None:
    """Why the platform cannot listen on ``host:port``, or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server will: a port left in TIME_WAIT by an earlier run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"{host}:{port} is already in use: another program (perhaps the platform "
                    "started earlier, by another `make run`) listens there. Stop it, or start "
                    f"on another port: python -m cleanprod.web start --addrport {host}:"
                    f"{port + 1}"
                )
            if error.errno == errno.EACCES:
                return (
                    f"This user may not listen on port {port} (ports below 1024 need root): "
                    "choose a port above 1024, e.g. --addrport 127.0.0.1:8000."
                )
            return f"Cannot listen on {host}:{port}: {error.strerror or error}."
    return None


def url_of(host: str, port: int) -> str:
    """The address to open in a browser."""
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def database_label() -> str:
    """The database in words, without its password."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite, {config['NAME']}"
    return (
        f"{connection.display_name}, database '{config['NAME']}' on "
        f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 'default port'}"
    )


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the platform with gunicorn until it is stopped (Ctrl-C: SIGINT)."""
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 120,  # a PDF report of a large assessment takes several seconds
        "accesslog": "-",
        "access_log_format": '%(t)s "%(r)s" %(s)s %(M)s ms',
        "errorlog": "-",
        "loglevel": "warning",
    }

    class Platform(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from cleanprod.web.wsgi import application

            return application

    # The workers open their own connections; none is shared across the fork.
    connections.close_all()
    Platform().run()


class Command(BaseCommand):
    help = (
        "Start the platform: migrate, load the demo on the first start, print the address "
        "and the demo logins, and serve it (gunicorn) until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRESS,
            help=(
                f"host:port to serve on (default {DEFAULT_ADDRESS}; 0.0.0.0:8000 for every "
                "interface, with CLEANPROD_ALLOWED_HOSTS naming the host's address)"
            ),
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="do not load the demo into an empty database"
        )
        parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = parse_address(options["addrport"])
        problem = address_problem(host, port)
        if problem:
            raise CommandError(problem)
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be 1 or more")
        try:
            self.prepare(load=not options["no_demo"])
        except KeyboardInterrupt:
            raise CommandError("Stopped before the platform was served.") from None
        self.stdout.write(f"\nOpen {url_of(host, port)} and sign in.")
        from cleanprod.web.site.demo import demo_logins, logins_text

        logins = logins_text(demo_logins())
        if logins:
            self.stdout.write(logins)
        else:
            self.stdout.write(
                "No demo users on this platform: create an administrator with "
                "`python -m cleanprod.web createsuperuser`."
            )
        self.stdout.write(
            f"Serving with gunicorn ({options['workers']} worker(s), {options['threads']} "
            "threads each); stop with Ctrl-C.\n"
        )
        self.stdout.flush()
        serve(host, port, options["workers"], options["threads"])

    def prepare(self, load: bool) -> None:
        """Migrate, load the demo into an empty database, collect the static files when
        DEBUG is off; say what was done."""
        from cleanprod.web.accounts.models import Organisation
        from cleanprod.web.site.demo import load_demo

        self.stdout.write(f"Database: {database_label()}")
        pending = pending_migrations()
        if pending:
            self.stdout.write(f"  applying {pending} migration(s) ...")
            self.stdout.flush()
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("  up to date")
        # The interface's catalogues (vi, lo, km) as Django reads them, from their .po files.
        call_command("compile_catalogues", verbosity=0)
        if not settings.DEBUG:
            self.stdout.write("Collecting the static files (CLEANPROD_DEBUG=0) ...")
            self.stdout.flush()
            call_command("collectstatic", interactive=False, verbosity=0)
        if not load or Organisation.objects.exists():
            return
        if not settings.DEBUG:
            self.stdout.write(
                "The database is empty; the demo is not loaded with CLEANPROD_DEBUG=0 (its "
                "password is public). Load it on purpose with `python -m cleanprod.web "
                "load_demo`."
            )
            return
        self.stdout.write("First start: loading the demo (illustrative data) ...")
        self.stdout.flush()
        self.stdout.write(f"  {load_demo()}")
