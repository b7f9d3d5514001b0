"""The demo platform (``load_demo``) and the command that starts the platform (``start``)."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cleanprod.web.site import demo
from cleanprod.web.site.demo import (
    CHAIN_SHARES,
    DEMO_PASSWORD,
    DEMO_USERS,
    PLANTS,
    PROVINCES,
    chain_quotas,
    rattan_smes,
)
from cleanprod.web.site.management.commands import start

ROLES = {"centre-admin", "consultant", "enterprise-user", "programme-viewer"}
CHAIN_ROLES = {"harvester", "pre-processor", "trader", "processor", "exporter"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The generated rattan SMEs (pure)


def test_rattan_smes_same_seed_same_records():
    assert rattan_smes(40) == rattan_smes(40)
    assert rattan_smes(40, seed=1) != rattan_smes(40, seed=2)


def test_rattan_smes_spread_along_the_chain_in_three_countries():
    records = rattan_smes(200)
    assert len(records) == 200
    assert len({record["name"] for record in records}) == 200
    by_country = Counter(record["country"] for record in records)
    assert by_country == {"VN": 90, "LA": 55, "KH": 55}
    for country in by_country:
        roles = {r["supply_chain_role"] for r in records if r["country"] == country}
        assert roles == CHAIN_ROLES


def test_rattan_smes_lie_in_their_district_and_say_they_are_illustrative():
    for record in rattan_smes(200):
        districts = {d.name: d for d in PROVINCES[record["country"]][record["province"]]}
        district = districts[record["district"]]
        assert abs(float(record["latitude"]) - district.latitude) <= district.spread + 1e-6
        assert abs(float(record["longitude"]) - district.longitude) <= district.spread + 1e-6
        assert record["notes"].startswith("Illustrative demo record")
        assert record["email"].endswith(".example")
        assert record["size"] in {"micro", "small", "medium", "large"}
        assert record["contacts"]
        assert all(" 000 " in contact["phone"] for contact in record["contacts"])


@pytest.mark.parametrize("count", [0, 7, 15, 30, 199, 200, 5000])
def test_chain_quotas_add_up_and_cover_every_link(count):
    quotas = chain_quotas(count)
    assert sum(quotas.values()) == count
    if count >= len(CHAIN_SHARES):
        assert min(quotas.values()) >= 1


# ---------------------------------------------------------------------------------------------
# load_demo


@pytest.mark.django_db
def test_load_demo_fills_the_platform_and_its_logins_work(client):
    """The one test that loads the whole demo (six assessments, two versions each)."""
    from django.contrib.auth import get_user_model

    from cleanprod.web.accounts.models import Organisation, Profile
    from cleanprod.web.assessments.models import Assessment, AssessmentOption
    from cleanprod.web.enterprises.models import Contact, Enterprise

    output = io.StringIO()
    started = time.perf_counter()
    call_command("load_demo", stdout=output)
    assert time.perf_counter() - started < 60
    printed = output.getvalue()
    assert DEMO_PASSWORD in printed
    assert all(person.username in printed for person in DEMO_USERS)

    names = set(Organisation.objects.values_list("short_name", flat=True))
    assert {"LNCPC", "VNCPC", "LNCCI", "ACC", "WWF-Mekong", "WWF-AT", "EU"} <= names
    assert Organisation.objects.get(short_name="ACC").name == "Accreditation Committee of Cambodia"

    rattan = Enterprise.objects.exclude(supply_chain_role="")
    assert 195 <= rattan.count() <= 210
    assert set(rattan.values_list("country", flat=True)) == {"VN", "LA", "KH"}
    assert set(rattan.values_list("supply_chain_role", flat=True)) == CHAIN_ROLES
    assert Enterprise.objects.filter(consultants__isnull=False).distinct().count() >= 20
    assert Contact.objects.count() >= rattan.count()

    lao_plants = Enterprise.objects.filter(organisation__short_name="LNCPC", country="LA")
    assert set(lao_plants.values_list("name", flat=True)) == {
        "Saylong ROD Steel Co-Ltd",
        "Lao Soft Drink Company",
        "Laos Furniture",
        "Lao Agro-processing",
    }

    assessments = Assessment.objects.all()
    assert assessments.count() == len(PLANTS) == 6
    for assessment in assessments:
        assert assessment.revision == 2
        assert assessment.versions.count() == 2
        assert assessment.options.count() >= 5
        assert assessment.summary, assessment.results_problem
    assert AssessmentOption.objects.count() >= 50

    assert set(Profile.objects.values_list("role", flat=True)) == ROLES
    for role in ROLES:
        profile = Profile.objects.filter(role=role).select_related("user").first()
        client.logout()
        response = client.post(
            "/login/", {"username": profile.user.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
        assert response["Location"] == "/"
    assert get_user_model().objects.filter(is_superuser=True).count() == 0

    check_training_and_cases()

    with pytest.raises(CommandError, match="already holds"):
        call_command("load_demo", stdout=io.StringIO())


def check_training_and_cases() -> None:
    """The course of the Lao programme, with its sessions, participants, attendance,
    assignments and evaluations, and the published case studies of the implemented options."""
    from cleanprod.web.library.models import CaseStudy, CaseStudyText
    from cleanprod.web.trainings.models import (
        Assignment,
        Attendance,
        Course,
        Evaluation,
        Module,
        Participant,
        Score,
        Session,
    )

    course = Course.objects.get()
    assert course.organisation.short_name == "VNCPC"
    assert Module.objects.filter(course=course).count() == 4
    sessions = Session.objects.all()
    assert sessions.count() >= 4
    assert {session.module.number for session in sessions} == {1, 2, 3, 4}
    assert {session.start_date.year for session in sessions} == {2007}
    assert {session.province for session in sessions} == {"Vientiane Capital"}
    participants = Participant.objects.all()
    assert 100 <= participants.count() <= 140
    sexes = Counter(participants.values_list("sex", flat=True))
    assert set(sexes) == {"female", "male"}
    assert 0.25 <= sexes["female"] / participants.count() <= 0.6
    assert all(
        "illustrative" in position for position in participants.values_list("position", flat=True)
    )
    assert participants.filter(enterprise__isnull=False).exists()
    assert participants.filter(organisation__isnull=False).exists()
    for session in sessions:
        assert "llustrative" in session.notes
        assert Attendance.objects.filter(session=session, attended=True).count() >= 10
        assert Evaluation.objects.filter(session=session).count() >= 5
    assert Score.objects.count() == Evaluation.objects.count() * course.questions.count()
    assert Evaluation.objects.exclude(comments="").exists()
    assert set(Score.objects.values_list("value", flat=True)) <= {1, 2, 3, 4, 5}
    assignments = Assignment.objects.all()
    assert assignments.count() == 4 * sessions.count()
    assert {a.assessment.enterprise.country for a in assignments} == {"LA"}

    published = CaseStudy.objects.filter(status="published")
    assert 15 <= published.count() <= 25
    assert published.filter(anonymised=True).exists()
    assert published.filter(anonymised=False).exists()
    assert {case.published_by.profile.role for case in published} == {"centre-admin"}
    assert CaseStudyText.objects.filter(case__status="published").exists()
    for case in published.filter(anonymised=True):
        assert case.enterprise_name == ""
    assert published.count() == CaseStudy.objects.published().count()


@pytest.mark.django_db
def test_load_demo_refuses_a_platform_with_organisations():
    from cleanprod.web.accounts.models import Organisation
    from cleanprod.web.enterprises.models import Enterprise

    Organisation.objects.create(name="A real centre", kind="cp-centre", country="KH")
    with pytest.raises(CommandError, match="only into an empty platform"):
        call_command("load_demo", stdout=io.StringIO())
    assert Organisation.objects.count() == 1
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_load_demo_small_without_assessments():
    from cleanprod.web.accounts.models import Profile
    from cleanprod.web.assessments.models import Assessment
    from cleanprod.web.enterprises.models import Enterprise

    summary = demo.load_demo(rattan_count=15, assessments=False)
    assert summary.counts["enterprises"] == 15 + len(PLANTS)
    assert Assessment.objects.count() == 0
    assert summary.counts["courses"] == 1
    assert 100 <= summary.counts["participants"] <= 140
    assert summary.counts["published case studies"] == 0
    generated = Enterprise.objects.exclude(name__in=[plant.name for plant in PLANTS])
    assert set(generated.values_list("supply_chain_role", flat=True)) == CHAIN_ROLES
    with_notes = demo.has_notes(Enterprise)
    for enterprise in generated:
        marked = enterprise.notes if with_notes else enterprise.address
        assert "llustrative" in marked
    registrars = dict(generated.values_list("country", "organisation__short_name").distinct())
    assert registrars == {"VN": "VNCPC", "LA": "LNCCI", "KH": "ACC"}
    owner = Profile.objects.get(user__username="lsd-user")
    assert owner.enterprise.name == "Lao Soft Drink Company"
    exporters = generated.filter(supply_chain_role="exporter")
    assert all(e.consultants.filter(username="wwf-consultant").exists() for e in exporters)


# ---------------------------------------------------------------------------------------------
# start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8001", ("127.0.0.1", 8001)),
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("[::1]:8000", ("::1", 8000)),
    ],
)
def test_parse_address_forms(text, expected):
    assert start.parse_address(text) == expected


@pytest.mark.parametrize("text", ["localhost", "127.0.0.1:http", "127.0.0.1:70000", ""])
def test_parse_address_refuses_nonsense(text):
    with pytest.raises(CommandError, match="not an address"):
        start.parse_address(text)


def test_start_refuses_a_port_in_use(monkeypatch):
    def must_not_run(*args: Any) -> None:
        raise AssertionError("nothing may be done when the port is taken")

    monkeypatch.setattr(start.Command, "prepare", must_not_run)
    monkeypatch.setattr(start, "serve", must_not_run)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match="already in use") as error:
            call_command("start", addrport=f"127.0.0.1:{port}", stdout=io.StringIO())
    assert f"--addrport 127.0.0.1:{port + 1}" in str(error.value)


@pytest.mark.django_db
def test_start_loads_the_demo_once_and_prints_the_logins(monkeypatch, settings):
    settings.DEBUG = True
    served = []
    monkeypatch.setattr(start, "serve", lambda *args: served.append(args))
    monkeypatch.setattr(demo, "load_demo", partial(demo.load_demo, 12, False))
    port = free_port()
    first = io.StringIO()
    call_command("start", addrport=f"127.0.0.1:{port}", stdout=first)
    assert "First start: loading the demo" in first.getvalue()
    assert f"Open http://127.0.0.1:{port}/" in first.getvalue()
    assert DEMO_PASSWORD in first.getvalue()
    assert "lncpc-admin" in first.getvalue()
    again = io.StringIO()
    call_command("start", addrport=f"127.0.0.1:{port}", threads=2, stdout=again)
    assert "First start" not in again.getvalue()
    assert DEMO_PASSWORD in again.getvalue()
    assert served == [("127.0.0.1", port, 1, 4), ("127.0.0.1", port, 1, 2)]


@pytest.mark.django_db
def test_start_without_demo_says_how_to_make_a_user(monkeypatch, settings):
    from cleanprod.web.accounts.models import Organisation

    settings.DEBUG = True
    monkeypatch.setattr(start, "serve", lambda *args: None)
    output = io.StringIO()
    call_command("start", "--no-demo", addrport=f"127.0.0.1:{free_port()}", stdout=output)
    assert Organisation.objects.count() == 0
    assert "createsuperuser" in output.getvalue()


def test_start_serves_the_platform_until_interrupted(tmp_path: Path):
    """The real command, in its own process: migrates a new SQLite database, serves the
    sign-in page with gunicorn, and stops on Ctrl-C (SIGINT)."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.pop("DATABASE_URL", None)
    environment["CLEANPROD_DATA_DIR"] = str(tmp_path)
    environment["CLEANPROD_DEBUG"] = "1"
    server = subprocess.Popen(
        [sys.executable, "-m", "cleanprod.web", "start", "--no-demo", "--addrport", f"{port}"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as page:
                    status = page.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200, server.stdout.read() if server.poll() is not None else ""
        assert (tmp_path / "cleanprod.sqlite3").is_file()
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert f"Open http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output
