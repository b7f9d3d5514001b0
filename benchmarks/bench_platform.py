"""How fast the platform's pages answer on a database of 5 000 enterprises and 20 000
assessments, with 20 clients at once.

Run: .venv/bin/python benchmarks/bench_platform.py [--database postgresql|sqlite|both]
     [--enterprises 5000] [--assessments 20000] [--clients 20] [--requests 200]
     [--alone 10] [--seconds 60] [--workers 2] [--threads 4]

For each database (PostgreSQL by default, on a throwaway cluster started by
``tests/with_postgres.py``; SQLite in a temporary folder) the script builds a scaled
platform: the demo (``load_demo``: organisations, users, 200 rattan SMEs, the six examples as
assessments with their results), then more generated SMEs up to ``--enterprises`` and copies
of the six assessments (document, key figures, one version, their option rows) up to
``--assessments``, spread over the enterprises — written with ``bulk_create``. It then serves
the platform as production does (gunicorn, gthread workers, ``CLEANPROD_DEBUG=0``, static
files collected and served by WhiteNoise) on 127.0.0.1, signs in as a consultant and as a
centre administrator of VNCPC (the organisation with the most enterprises), and requests
each page with ``--clients`` threads at once, each on its own keep-alive connection with the
user's session cookie. Per page it prints the median time of one client alone (``alone``,
no queueing: what one request costs), then, with every client at once, the requests, the
errors (any answer but 200), the median, 95th percentile and maximum time in ms, the requests
answered per second, and the median divided by that of the sign-in page (a page Django
renders without a query of the registry) measured in the same run; a static file is timed
too. Target of the platform work: p95 ≤ 300 ms on every page with 20 clients at once.

The clients run on the same machine as the server and the database: on 2 cores the figures
include their share of the processors.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 300.0
#: The pages measured: (label, path; {enterprise} and {assessment} are visible ids).
PAGES = [
    ("dashboard /", "/"),
    ("/enterprises/", "/enterprises/"),
    ("/enterprises/<id>/", "/enterprises/{enterprise}/"),
    ("/assessments/", "/assessments/"),
    ("/assessments/<id>/", "/assessments/{assessment}/"),
    ("/assessments/options/", "/assessments/options/"),
]
BASELINES = [("static file", "/static/admin/css/base.css"), ("sign-in page", "/login/")]
USERS = ("vncpc-consultant", "vncpc-admin")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", choices=["postgresql", "sqlite", "both"], default="postgresql"
    )
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--assessments", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument(
        "--alone", type=int, default=10, help="requests per page by one client alone"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=60,
        help="no new request of a page after this many seconds (slow pages get fewer)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 cores: 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    options = arguments()
    if options.inner:
        return run_inner(options)
    databases = ["postgresql", "sqlite"] if options.database == "both" else [options.database]
    status = 0
    for database in databases:
        forwarded = [
            f"--{name}={getattr(options, name)}"
            for name in (
                "enterprises",
                "assessments",
                "clients",
                "requests",
                "alone",
                "seconds",
                "workers",
                "threads",
            )
        ]
        command = [sys.executable, __file__, *forwarded, f"--database={database}", "--inner"]
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if database == "postgresql":
            command = [sys.executable, str(REPOSITORY / "tests" / "with_postgres.py"), *command]
        status = subprocess.run(command, env=environment).returncode or status
    return status


# ---------------------------------------------------------------------------------------------
# Inside one database's run


def run_inner(options: argparse.Namespace) -> int:
    if options.database == "postgresql" and not os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        print("No PostgreSQL server was started (see tests/with_postgres.py).", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="cleanprod-bench-platform-"))
    try:
        return run_in(folder, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: The platform's settings, with its own static folder added when they do not name it yet
#: (without it the pages' style sheet is missing once DEBUG is off, and every page fails).
SETTINGS_SHIM = """\
from cleanprod.web.settings import *  # noqa: F403
from cleanprod.web.settings import HERE

BENCH_ADDED_STATIC_FOLDER = not globals().get("STATICFILES_DIRS")
if BENCH_ADDED_STATIC_FOLDER:
    STATICFILES_DIRS = [HERE / "static"]
"""


def run_in(folder: Path, options: argparse.Namespace) -> int:
    (folder / "bench_settings.py").write_text(SETTINGS_SHIM, encoding="utf-8")
    sys.path.insert(0, str(folder))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(folder), os.environ.get("PYTHONPATH")])
            ),
            "CLEANPROD_DATA_DIR": str(folder),
            "CLEANPROD_STATIC_ROOT": str(folder / "static"),
            "CLEANPROD_DEBUG": "0",
            "CLEANPROD_SECRET_KEY": secrets.token_urlsafe(50),
            "CLEANPROD_LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if settings.BENCH_ADDED_STATIC_FOLDER:
        print("(the settings name no STATICFILES_DIRS: the platform's static folder is added)")
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    counts = build(options.enterprises, options.assessments)
    built = time.perf_counter() - started
    call_command("collectstatic", interactive=False, verbosity=0)
    label = f"{connection.display_name} {database_version()}"
    print(
        f"\n{label}: {counts['enterprises']:,} enterprises, {counts['assessments']:,} "
        f"assessments, {counts['versions']:,} versions, {counts['options']:,} option rows, "
        f"{counts['contacts']:,} contacts; built in {built:.0f} s; {database_size()}"
    )
    visible = {username: visible_ids(username) for username in USERS}
    connection.close()
    port = free_port()
    server = start_server(port, options.workers, options.threads)
    try:
        print(
            f"gunicorn: {options.workers} worker(s) × {options.threads} threads on "
            f"127.0.0.1:{port}, CLEANPROD_DEBUG=0; {options.clients} clients at once, "
            f"{options.requests} requests per page or as many as {options.seconds:.0f} s allow "
            f"(after {options.clients} not counted)"
        )
        for username in USERS:
            cookie = sign_in(port, username)
            ids = visible[username]
            print(
                f"\nsigned in as {username} ({ids['who']}): the data of "
                f"{len(ids['enterprise']):,} enterprises and {len(ids['assessment']):,} "
                "assessments"
            )
            measure_pages(
                port,
                cookie,
                ids,
                options.clients,
                options.requests,
                options.alone,
                options.seconds,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def database_size() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        size = Path(connection.settings_dict["NAME"]).stat().st_size
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    return f"database {size / 1e6:,.0f} MB"


# ---------------------------------------------------------------------------------------------
# The scaled database


def build(enterprise_count: int, assessment_count: int) -> dict[str, int]:
    """The demo, then generated SMEs and copies of the demo's assessments up to the counts."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Subquery

    from cleanprod.web.accounts.models import Organisation, Profile
    from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
    from cleanprod.web.enterprises.models import Contact, Enterprise
    from cleanprod.web.site.demo import (
        assigned_consultants,
        enterprise_fields,
        has_notes,
        load_demo,
        rattan_smes,
    )

    clock = time.perf_counter()
    load_demo()
    steps = {"demo": time.perf_counter() - clock}
    clock = time.perf_counter()
    rng = random.Random(5000)
    organisations = {o.short_name: o.pk for o in Organisation.objects.all()}
    registrar = {"VN": "VNCPC", "LA": "LNCCI", "KH": "ACC"}
    users = {user.username: user.pk for user in get_user_model().objects.all()}
    with_notes = has_notes(Enterprise)
    fold = search_folder(Enterprise)
    extra = max(0, enterprise_count - Enterprise.objects.count())
    records = rattan_smes(extra, seed=20_000)
    with transaction.atomic():
        objects = []
        for record in records:
            enterprise = Enterprise(
                organisation_id=organisations[registrar[record["country"]]],
                **enterprise_fields(record, with_notes),
            )
            if fold is not None:
                enterprise.search_text = fold(enterprise)
            objects.append(enterprise)
        created = Enterprise.objects.bulk_create(objects, batch_size=1000)
        Contact.objects.bulk_create(
            (
                Contact(enterprise_id=enterprise.pk, **contact)
                for enterprise, record in zip(created, records, strict=True)
                for contact in record["contacts"]
            ),
            batch_size=2000,
        )
        through = Enterprise.consultants.through
        through.objects.bulk_create(
            (
                through(enterprise_id=enterprise.pk, user_id=users[name])
                for enterprise, record in zip(created, records, strict=True)
                for name in assigned_consultants(record, rng)
            ),
            batch_size=2000,
        )

    steps["enterprises"] = time.perf_counter() - clock
    clock = time.perf_counter()
    sources = list(Assessment.objects.all())
    source_options = {
        source.pk: list(AssessmentOption.objects.filter(assessment=source).values())
        for source in sources
    }
    staff: dict[int, list[int]] = {}
    for profile in Profile.objects.filter(role__in=["centre-admin", "consultant"]):
        staff.setdefault(profile.organisation_id, []).append(profile.user_id)
    enterprises = list(Enterprise.objects.values_list("pk", "organisation_id"))
    stages = ["preparation", "baseline", "options", "implementation", "closed"]
    remaining = max(0, assessment_count - len(sources))
    batch = 500
    for first in range(0, remaining, batch):
        with transaction.atomic():
            rows = []
            for _ in range(min(batch, remaining - first)):
                source = rng.choice(sources)
                enterprise_id, organisation_id = rng.choice(enterprises)
                lead = rng.choice(staff.get(organisation_id) or [None])
                rows.append(
                    (
                        source,
                        Assessment(
                            enterprise_id=enterprise_id,
                            title=source.title,
                            year=rng.randint(2009, 2025),
                            stage=rng.choice(stages),
                            lead_consultant_id=lead,
                            revision=1,
                            summary=source.summary,
                        ),
                    )
                )
            made = Assessment.objects.bulk_create([assessment for _, assessment in rows])
            AssessmentVersion.objects.bulk_create(
                AssessmentVersion(
                    assessment_id=assessment.pk,
                    number=1,
                    document={},
                    saved_by_id=assessment.lead_consultant_id,
                    comment="copy for the platform benchmark",
                )
                for (source, _), assessment in zip(rows, made, strict=True)
            )
            AssessmentOption.objects.bulk_create(
                AssessmentOption(
                    **{
                        **{k: v for k, v in option.items() if k not in {"id", "assessment_id"}},
                        "assessment_id": assessment.pk,
                    }
                )
                for (source, _), assessment in zip(rows, made, strict=True)
                for option in source_options[source.pk]
            )
            # The documents (about 33 kB each) are copied by the database itself: sent as
            # parameters they would take most of the time of the build.
            copies: dict[int, list[int]] = {}
            for (source, _), assessment in zip(rows, made, strict=True):
                copies.setdefault(source.pk, []).append(assessment.pk)
            for source_pk, pks in copies.items():
                document = Subquery(Assessment.objects.filter(pk=source_pk).values("document")[:1])
                Assessment.objects.filter(pk__in=pks).update(document=document)
                AssessmentVersion.objects.filter(assessment_id__in=pks).update(document=document)
    steps["assessments"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    steps["analyze"] = time.perf_counter() - clock
    print("built: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in steps.items()))
    return {
        "enterprises": Enterprise.objects.count(),
        "contacts": Contact.objects.count(),
        "assessments": Assessment.objects.count(),
        "versions": AssessmentVersion.objects.count(),
        "options": AssessmentOption.objects.count(),
    }


def search_folder(model: type) -> Any:
    """What the model's ``save`` puts in ``search_text`` (bulk_create does not call it), or
    None when the model has no such field."""
    fields = getattr(model, "SEARCHED_FIELDS", None)
    if fields is None or not any(f.name == "search_text" for f in model._meta.get_fields()):
        return None
    from cleanprod.web.enterprises.duplicates import fold

    return lambda obj: fold(" ".join(getattr(obj, name) or "" for name in fields))


def visible_ids(username: str) -> dict[str, Any]:
    """The enterprises and assessments whose confidential pages ``username`` may open."""
    from django.contrib.auth import get_user_model

    from cleanprod.web.assessments.models import Assessment
    from cleanprod.web.enterprises.models import Enterprise

    user = get_user_model().objects.select_related("profile__organisation").get(username=username)
    enterprises = Enterprise.objects.restrict(user).filter(
        pk__in=Assessment.objects.restrict(user).values("enterprise_id")
    )
    return {
        "who": f"{user.profile.get_role_display()}, {user.profile.organisation}",
        "enterprise": list(enterprises.values_list("pk", flat=True)),
        "assessment": list(Assessment.objects.restrict(user).values_list("pk", flat=True)),
    }


# ---------------------------------------------------------------------------------------------
# The server and its clients


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cleanprod.web.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=dict(os.environ))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at its start (exit status {server.returncode})")
        try:
            status, _ = get(port, BASELINES[0][1])
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def sign_in(port: int, username: str) -> str:
    """The session cookie of ``username``, signed in through the sign-in form."""
    from cleanprod.web.site.demo import DEMO_PASSWORD

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    page = response.read().decode("utf-8", "replace")
    cookies = dict(
        value.split(";", 1)[0].split("=", 1)
        for name, value in response.getheaders()
        if name.lower() == "set-cookie"
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("the sign-in page has no CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token[1]}
    )
    connection.request(
        "POST",
        "/login/",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith("sessionid="):
            return value.split(";", 1)[0]
    raise SystemExit(f"could not sign in as {username} (answer {response.status})")


def timed_requests(
    port: int, cookie: str, paths: list[list[str]], budget: float = math.inf
) -> tuple[list[float], int, float]:
    """Every client's requests at once, each client on its own keep-alive connection: the
    time of each request [ms], the number of answers other than 200, and the wall time [s].
    No client starts a request once ``budget`` seconds have passed."""
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(paths) + 1)

    def client(own: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Cookie": cookie} if cookie else {}
        mine = []
        failed = 0
        barrier.wait()
        deadline = time.perf_counter() + budget
        for path in own:
            start = time.perf_counter()
            if start > deadline:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = 0
            mine.append((time.perf_counter() - start) * 1000)
            failed += status != 200
        connection.close()
        with lock:
            timings.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(own,)) for own in paths]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return timings, errors[0], time.perf_counter() - started


def measure(
    port: int,
    cookie: str,
    template: str,
    ids: dict[str, Any],
    clients: int,
    count: int,
    budget: float = math.inf,
) -> tuple[list[float], int, float]:
    """``count`` requests of the page shared by ``clients`` at once (fewer when ``budget``
    seconds are over), after one request per client not counted (connections opened, caches
    warm)."""
    rng = random.Random(template)

    def path() -> str:
        return template.format(
            enterprise=rng.choice(ids["enterprise"] or [0]),
            assessment=rng.choice(ids["assessment"] or [0]),
        )

    def shares(total: int) -> list[list[str]]:
        return [
            [path() for _ in range(total // clients + (i < total % clients))]
            for i in range(clients)
        ]

    timed_requests(port, cookie, shares(clients))
    return timed_requests(port, cookie, shares(count), budget)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure_pages(
    port: int,
    cookie: str,
    ids: dict[str, Any],
    clients: int,
    count: int,
    alone: int,
    budget: float,
) -> None:
    """One line per page: one client alone (median of ``alone`` requests), then ``clients``
    at once (``count`` requests): median, p95, max, requests per second, ÷ sign-in page."""
    print(
        f"  {'page':<23}{'alone':>7} |{'requests':>9}{'errors':>7}{'median':>8}{'p95':>8}"
        f"{'max':>8}{'req/s':>7}{'÷ sign-in':>10}  p95 ≤ {TARGET_P95_MS:.0f} ms"
    )
    baseline = None
    for label, template in [*BASELINES, *PAGES]:
        single = statistics.median(measure(port, cookie, template, ids, 1, alone)[0])
        timings, errors, seconds = measure(port, cookie, template, ids, clients, count, budget)
        median = statistics.median(timings)
        if template == "/login/":
            baseline = median
        ratio = f"{median / baseline:9.1f}" if baseline else f"{'':>9}"
        p95 = percentile(timings, 0.95)
        verdict = (
            ""
            if template in dict(BASELINES).values()
            else ("met" if p95 <= TARGET_P95_MS and not errors else "NOT met")
        )
        print(
            f"  {label:<23}{single:>7.1f} |{len(timings):>9}{errors:>7}{median:>8.1f}"
            f"{p95:>8.1f}{max(timings):>8.1f}{len(timings) / seconds:>7.1f} {ratio}  {verdict}"
        )


if __name__ == "__main__":
    sys.exit(main())
