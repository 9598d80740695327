"""One simulated reader (see `simulate`): pages it reads, links it follows, what it buys."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import lxml.html
import requests
from lxml import etree

from masthead.access import iprange

if TYPE_CHECKING:
    from masthead.usage.simulate import Simulation

AGENT_PRODUCT = "MastheadSimulatedReader/1.0"
MAX_REDIRECTS = 5
PURCHASE_STEPS = 4  # add to cart, checkout form, checkout, pay (each with its redirects)
TEST_CARD = "4242 4242 4242 4242"  # the demo payment provider's succeeding card
COUNTRIES = ("GB", "DE", "FR", "NL", "US", "JP")
ABSTRACT, FULL_TEXT, PDF, BROWSE, DENIED = "abstract", "full_text", "pdf", "browse", "denied"

_ARTICLE = re.compile(r"^/doi/abs/\S+$")
_BROWSE = re.compile(r"^/(journals/[^/]+|toc/[^/]+/[^/]+/[^/]+)/?$")
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    "about after also among article articles between from have into issue journal more "
    "most other over research review some study such than that their them these they "
    "this those under using were what when where which with within without".split()
)


def user_agent(n: int, seed: int = 0) -> str:
    """Reader n's user agent: a desktop Chrome (a build of the run's own and a patch of the
    reader's, so that readers on one address are still different COUNTER sessions, in this
    run and the next) that says it is simulated."""
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/126.0.{6000 + seed % 1000}.{n} Safari/537.36 {AGENT_PRODUCT}"
    )


def campus_address(rng: random.Random, ranges: tuple[str, ...]) -> str:
    """A random address inside one of `ranges` (not its first or last when it has more)."""
    parsed = iprange.parse_range(rng.choice(ranges))
    first, last = int(parsed.first), int(parsed.last)
    if last - first >= 2:
        first, last = first + 1, last - 1
    return str(type(parsed.first)(rng.randint(first, last)))


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


@dataclass
class Page:
    url: str
    path: str
    status: int
    kind: str
    doc: lxml.html.HtmlElement | None
    denied: bool = False


def _kind(path: str) -> str:
    for prefix, kind in (("/doi/abs/", ABSTRACT), ("/doi/full/", FULL_TEXT), ("/doi/pdf/", PDF)):
        if path.startswith(prefix):
            return kind
    return BROWSE


def _parse(response: requests.Response) -> lxml.html.HtmlElement | None:
    if "html" not in response.headers.get("Content-Type", "") or not response.content.strip():
        return None
    try:
        return lxml.html.document_fromstring(response.content)
    except (etree.ParserError, ValueError):
        return None


def _shows_denial(doc: lxml.html.HtmlElement | None) -> bool:
    """The article page standing in for content the reader may not have."""
    if doc is None:
        return True  # a PDF or full text that came back as something else
    heading = doc.xpath('normalize-space(string(//*[@id="access-heading"]))')
    notices = " ".join(doc.xpath('//*[contains(@class, "notice")]//text()'))
    return heading == "Access options" or "do not have access" in notices


class Reader:
    def __init__(self, sim: Simulation, n: int):
        self.sim = sim
        options = sim.options
        self.n = n
        self.rng = random.Random(f"{options.seed}:{n}")  # the same choices whatever the threads
        self.campus = ""
        if options.campus_ranges and self.rng.random() < options.campus_share:
            self.campus = campus_address(self.rng, options.campus_ranges)
        self.buyer = not self.campus and self.rng.random() < options.buyer_share
        self.archive = self.rng.random() < options.archive_share
        self.session = requests.Session()
        self.session.trust_env = False  # never a proxy from the environment
        self.session.headers.update(
            {
                "User-Agent": user_agent(n, options.seed),
                "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
                "Accept-Language": "en-GB,en;q=0.8",
            }
        )
        if self.campus:
            self.session.headers["X-Forwarded-For"] = self.campus
        self.pages_left = options.pages_per_reader
        self.interest: set[str] = set()
        self.read_article = False
        self.visited: set[str] = set()
        self.bought = False  # tried to buy (once per reader)
        self.purchased = ""  # the article page it bought

    # -- navigation -------------------------------------------------------------------------
    def run(self) -> None:
        history: list[Page] = []
        page = self.visit("/")
        while page is not None and self.pages_left > 0 and not self.sim.should_stop():
            history.append(page)
            target = self.next_path(page)
            back = len(history) - 1
            while target is None and back > 0:  # the back button, to a page with links left
                back -= 1
                target = self.choose_link(history[back])
            if target is None:
                return
            page = self.visit(target, referer=history[back].url)

    def visit(self, path: str, referer: str = "") -> Page | None:
        """A page the reader asks for: counted against its pages, after a think."""
        if self.pages_left <= 0:
            return None
        self.think()
        if self.sim.should_stop():
            return None
        self.pages_left -= 1
        self.sim.summary.add(pages=1)
        self.visited.add(path)
        return self.classify(self.fetch("GET", path, referer=referer))

    def think(self) -> None:
        self.sim.pause(self.rng.uniform(0, self.sim.options.think_ms) / 1000)

    def fetch(self, method: str, path: str, data=None, referer: str = "") -> Page | None:
        """A request and the same-origin redirects after it."""
        for _ in range(MAX_REDIRECTS + 1):
            if self.sim.should_stop():
                return None
            response = self.sim.send(self.session, method, path, data, referer)
            if response is None:
                return None
            url = self.sim.origin + path
            if not response.is_redirect:
                return Page(url, path, response.status_code, _kind(path), _parse(response))
            target = self.sim.same_origin_path(urljoin(url, response.headers["Location"]))
            if target is None:
                self.sim.summary.error("redirect off the site (not followed)")
                return None
            if response.status_code in (301, 302, 303):
                method, data = "GET", None
            path = target
        self.sim.summary.error("too many redirects")
        return None

    def classify(self, page: Page | None) -> Page | None:
        if page is None:
            return None
        summary = self.sim.summary
        if page.kind in (FULL_TEXT, PDF):
            if page.status in (401, 402, 403) or (
                page.status == 200
                and (page.kind == FULL_TEXT or page.doc is not None)
                and _shows_denial(page.doc)
            ):
                page.denied = True
                summary.count(DENIED)
                return page
        if page.status >= 400:
            summary.error(f"{page.status} {page.kind.replace('_', ' ')}")
            return page
        summary.count(page.kind)
        if page.kind in (ABSTRACT, FULL_TEXT) and page.doc is not None:
            self.learn_interest(page.doc)
        return page

    def learn_interest(self, doc) -> None:
        """The first article read sets the subject: its keywords, else its title."""
        if self.read_article:
            return
        self.read_article = True
        keywords = " ".join(doc.xpath('//section[contains(@class, "keywords")]//li//text()'))
        title = doc.xpath('normalize-space(string(//h1[contains(@class, "article-title")]))')
        self.interest |= words(keywords) or words(title)

    def next_path(self, page: Page) -> str | None:
        options, rng = self.sim.options, self.rng
        doi = page.path.split("/", 3)[3] if page.kind != BROWSE else ""
        full, pdf = f"/doi/full/{doi}", f"/doi/pdf/{doi}"
        if page.kind == ABSTRACT and page.doc is not None:
            if not self.links_to(page, full) and self.can_buy(page):
                page = self.buy(page) or page  # no full text to be refused: buy here
            if self.links_to(page, full) and full not in self.visited:
                if self.buyer or rng.random() < options.full_text_share:
                    return full
            if self.links_to(page, pdf) and pdf not in self.visited:
                if page.path == self.purchased or rng.random() < options.pdf_share:
                    return pdf
        elif page.kind == FULL_TEXT and page.denied:
            if self.can_buy(page) and self.buy(page):
                self.visited.discard(full)
                return full
        elif page.kind == FULL_TEXT and pdf not in self.visited:
            if rng.random() < options.pdf_share:
                return pdf  # the article page offered it to this reader
        return self.choose_link(page)

    def links_to(self, page: Page, path: str) -> bool:
        return any(self.sim.same_origin_path(urljoin(page.url, h)) == path for h in _hrefs(page))

    def choose_link(self, page: Page) -> str | None:
        """A link of the page not yet visited, articles and the reader's subject first."""
        if page.doc is None:
            return None
        paths, weights, texts = [], [], []
        for anchor in page.doc.iter("a"):
            path = self.sim.same_origin_path(urljoin(page.url, anchor.get("href") or ""))
            if path is None or path in self.visited or path in paths:
                continue
            if _ARTICLE.match(path):
                weight = 3.0
            elif path.startswith("/toc/"):
                weight = 10.0 if self.archive else 1.0
            elif _BROWSE.match(path):
                # The publisher's own journals first, for buyers above all.
                featured = anchor.xpath('ancestor::section[@aria-labelledby="featured-heading"]')
                weight = (24.0 if self.buyer else 6.0) if featured else 1.0
            else:
                continue
            text = anchor.text_content()
            weight *= 1 + 3 * len(words(text) & self.interest)
            paths.append(path)
            weights.append(weight)
            texts.append(text)
        if not paths:
            return None
        chosen = self.rng.choices(range(len(paths)), weights)[0]
        if not self.interest:  # the journal chosen first is the reader's first interest
            self.interest = words(texts[chosen])
        return paths[chosen]

    # -- buying -----------------------------------------------------------------------------
    def can_buy(self, page: Page) -> bool:
        """A buyer who has not bought yet, with pages left to read it, and an offer."""
        if not self.buyer or self.bought or self.pages_left < 2 or page.doc is None:
            return False
        return bool(page.doc.xpath('//form[contains(@action, "/cart/add")]'))

    def buy(self, page: Page) -> Page | None:
        """Add the article to the cart, check out as a new guest, pay the demo provider with
        the test card: the article page it lands on (with access), or None."""
        forms = page.doc.xpath(
            '//*[contains(@class, "offer-article")]//form | //form[contains(@action, "/cart/add")]'
        )
        self.sim.summary.add(purchase_attempts=1)
        self.bought = True  # one try per reader, whatever happens
        country = self.rng.choice(COUNTRIES)
        cart = self.submit(page, forms[0], {})
        if cart is None or cart.status != 200:
            return self.failed("add to cart")
        checkout = self.fetch("GET", f"/checkout?country={country}", referer=cart.url)
        form = _post_form(checkout, "/checkout")
        if form is None:
            return self.failed("checkout page")
        email = f"simulated-reader-{self.sim.run_id}-{self.n}@example.org"
        details = {"email": email, "name": "Simulated Reader", "country": country}
        payment = self.submit(checkout, form, details)
        form = _post_form(payment, "")
        if form is None or "/pay/" not in payment.path:
            return self.failed("checkout")
        self.pages_left -= 1  # paying lands on the article page: a page
        self.sim.summary.add(pages=1)
        landing = self.classify(self.submit(payment, form, {"card": TEST_CARD, "action": "pay"}))
        if landing is None or landing.kind != ABSTRACT or _shows_denial(landing.doc):
            return self.failed("payment")
        self.visited.add(landing.path)
        self.purchased = landing.path
        self.sim.summary.add(purchases=1)
        return landing

    def submit(self, page: Page, form, values: dict) -> Page | None:
        path = self.sim.same_origin_path(urljoin(page.url, form.get("action") or page.url))
        if path is None:
            return None
        data = dict(form.form_values())  # hidden fields: the CSRF token, the offer, the key
        data.update(values)
        self.think()
        return self.fetch("POST", path, data=data, referer=page.url)

    def failed(self, step: str) -> None:
        if not self.sim.should_stop():
            self.sim.summary.error(f"purchase failed at {step}")


def _hrefs(page: Page) -> list[str]:
    return [] if page.doc is None else [a.get("href") or "" for a in page.doc.iter("a")]


def _post_form(page: Page | None, action: str):
    if page is None or page.doc is None:
        return None
    for form in page.doc.forms:
        if (form.method or "").upper() == "POST" and action in (form.get("action") or ""):
            return form
    return None
