"""`masthead simulate_readers` against a live server: readers leave usage of their own
sessions (some on a campus), a buyer pays and reads, and nothing leaves this machine."""

import io
import socket

import pytest
import requests
from django.core.management import CommandError, call_command

from masthead.access.models import Grant
from masthead.commerce.models import Order, OrderStatus
from masthead.commerce.tax_rates import load_rates
from masthead.usage import counter
from masthead.usage.models import Event
from masthead.usage.processing import is_robot
from masthead.usage.simulate import Options, Refused, Simulation, SiteUnavailable, campus_ranges
from masthead.usage.simulated_reader import (
    AGENT_PRODUCT,
    MAX_REDIRECTS,
    PURCHASE_STEPS,
    user_agent,
)

TOPICS = [
    ("Coral reef bleaching under ocean warming", ["coral", "ocean warming"]),
    ("Ocean warming and the decline of kelp forests", ["kelp", "ocean warming"]),
    ("Coral larvae settle on warming reefs", ["coral", "larvae"]),
    ("Sea ice loss and Arctic ocean currents", ["sea ice", "ocean"]),
    ("Election turnout in rural districts", ["elections", "turnout"]),
    ("Campaign finance and election outcomes", ["elections", "finance"]),
    ("Turnout, trust and the rural vote", ["turnout", "trust"]),
    ("Protein folding in crowded cells", ["protein folding"]),
    ("Chaperones assist protein folding", ["protein folding", "chaperones"]),
    ("Misfolded proteins and cell stress", ["protein", "stress"]),
]


@pytest.fixture
def sent(monkeypatch):
    """Every URL the simulator's sessions send a request to."""
    urls: list[str] = []
    original = requests.Session.send

    def send(self, request, **kwargs):
        urls.append(request.url)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    return urls


@pytest.fixture
def press(settings, seller, university, make_article):
    """Ten articles with full text on four topics, two open access, references
    that link to doi.org and Crossref (off the site); the test client's address is the
    trusted proxy, as in `make demo`, so X-Forwarded-For places readers on the campus."""
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    load_rates()
    return [
        make_article(
            title=title,
            keywords=keywords,
            references=2,
            body_html=f"<p>The full text of {title}.</p>",
            is_open_access=n % 5 == 0,
        )
        for n, (title, keywords) in enumerate(TOPICS)
    ]


def options(live_server, **values) -> Options:
    defaults = dict(
        base_url=live_server.url,
        readers=6,
        pages_per_reader=4,
        concurrency=2,
        think_ms=0,
        seed=7,
        campus_share=0.5,
        buyer_share=0.0,
        archive_share=0.0,  # home, journal, an article, its full text: all four kinds
        full_text_share=1.0,
        pdf_share=0.0,  # rendering PDFs takes seconds each: tests/pdf covers them
        campus_ranges=campus_ranges(),
    )
    return Options(**{**defaults, **values})


@pytest.mark.django_db(transaction=True)
def test_readers_leave_usage_of_their_own_sessions_some_on_campus(
    live_server, press, university, sent
):
    summary = Simulation(options(live_server)).run()

    ours = Event.objects.filter(user_agent__contains=AGENT_PRODUCT)
    assert ours.count() == Event.objects.count() > 0
    assert ours.values("session_id").distinct().count() >= 4
    assert ours.values("item_id").distinct().count() >= 3
    on_campus = ours.exclude(institution_ids="")
    assert set(on_campus.values_list("institution_ids", flat=True)) == {str(university.pk)}
    assert ours.filter(institution_ids="").exists()
    assert ours.filter(kind=counter.FULL_TEXT).exists()
    assert ours.filter(kind=counter.DENIED).exists()  # off campus, not open access

    # The bounds: readers, pages each, and the requests they take.
    assert summary.readers == 6 and 0 < summary.campus_readers < 6
    assert summary.pages <= 6 * 4
    assert summary.requests <= 6 * 4 * (1 + MAX_REDIRECTS)
    assert len(sent) == summary.requests + 1  # and the one request asking if the site is up
    assert ours.count() <= 2 * summary.pages  # a denial is two events: denied and abstract
    assert not summary.errors, summary.errors
    assert summary.kinds["abstract"] >= 6 and summary.kinds["denied"] >= 1

    # Only this site, although its pages link to doi.org, Crossref and ORCID.
    assert all(url.startswith(f"{live_server.url}/") for url in sent)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("full_text", [True, False], ids=["refused-full-text", "abstract-only"])
def test_a_buyer_pays_with_the_demo_provider(
    live_server, settings, seller, make_article, full_text, sent
):
    """Refused the full text, a buyer buys it and reads it; where there is no full text to
    be refused (the demo's seed article), it buys from the article page's offers."""
    load_rates()
    for n in range(3):
        make_article(title=f"Paywalled {n}", body_html="<p>Paid text.</p>" if full_text else "")
    summary = Simulation(
        options(live_server, readers=1, pages_per_reader=8, campus_share=0.0, buyer_share=1.0)
    ).run()

    assert (summary.buyers, summary.purchase_attempts, summary.purchases) == (1, 1, 1)
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID and order.email.startswith("simulated-reader-")
    grant = Grant.objects.get(order_line__order=order)
    bought = Event.objects.filter(item_id=grant.article_id, user_agent__contains=AGENT_PRODUCT)
    assert bought.filter(kind=counter.DENIED).exists() == full_text  # refused, then bought
    assert bought.filter(kind=counter.FULL_TEXT).exists() == full_text  # and read
    assert summary.pages <= 8
    assert summary.requests <= (8 + PURCHASE_STEPS) * (1 + MAX_REDIRECTS)
    assert not summary.errors, summary.errors


@pytest.mark.django_db(transaction=True)
def test_the_time_limit_stops_the_run_cleanly(live_server, press):
    """Fifty readers pausing up to 5 s before each of 8 pages cannot finish in a second:
    the run stops at the limit, readers not yet started never start, and a pause or a
    request cut short by the limit is not an error."""
    summary = Simulation(
        options(live_server, readers=50, pages_per_reader=8, seconds=1, think_ms=5000)
    ).run()
    assert summary.stopped == "time limit of 1 s reached"
    assert summary.readers < 50 and summary.pages < 50 * 8
    assert not summary.errors, summary.errors


@pytest.mark.django_db(transaction=True)
def test_the_command_prints_a_summary(live_server, press):
    out = io.StringIO()
    call_command(
        "simulate_readers",
        f"--base-url={live_server.url}",
        "--readers=2",
        "--pages-per-reader=3",
        "--think-ms=0",
        stdout=out,
    )
    report = out.getvalue()
    assert f"Simulated readers at {live_server.url}" in report and AGENT_PRODUCT in report
    assert (
        "seed " in report
        and "readers      2 (" in report
        and "elapsed" in report
        and "errors       0" in report
    )
    assert Event.objects.filter(user_agent__contains=AGENT_PRODUCT).exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org",
        "http://10.0.0.1:8000",
        "https://192.0.2.1/",
        "http://[2001:db8::1]:8000",
        "http://127.0.0.1.example.org:8000",
        "ftp://127.0.0.1",
        "http://127.0.0.1:8000/journals/",
    ],
)
def test_anything_but_loopback_is_refused_before_any_request(url, sent):
    with pytest.raises(Refused):
        Simulation(Options(base_url=url, readers=1)).run()
    with pytest.raises(CommandError):
        call_command("simulate_readers", f"--base-url={url}")
    assert sent == []


def test_loopback_names_and_addresses_are_accepted():
    for url in ("http://127.0.0.1:8000", "http://127.9.9.9", "http://[::1]:8000/"):
        assert Simulation(Options(base_url=url)).origin == url.rstrip("/")


def test_no_site_at_the_address_is_a_clear_error(db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(
        SiteUnavailable, match=f"no site answers at {url}: start it with `make demo`"
    ):
        Simulation(Options(base_url=url)).run()
    with pytest.raises(CommandError, match="no site answers"):
        call_command("simulate_readers", f"--base-url={url}")


def test_the_user_agent_is_a_browser_that_counter_counts_and_that_says_it_is_simulated():
    agents = {user_agent(n, seed=5) for n in range(300)}
    assert len(agents) == 300  # a session of its own per reader, even on one address
    assert user_agent(0, seed=5) != user_agent(0, seed=6)  # and in the next run
    for agent in agents:
        assert agent.startswith("Mozilla/5.0 (X11; Linux x86_64)")
        assert agent.endswith(AGENT_PRODUCT)
        assert not is_robot(agent)
