from django.urls import path

from masthead.discovery import feeds, oai_views, search_views, views

app_name = "discovery"

urlpatterns = [
    path("oai", oai_views.oai, name="oai"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("search", search_views.search_page, name="search"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemaps/<slug:code>-<int:page>.xml", views.journal_sitemap, name="journal_sitemap"),
    path("journals/<slug:code>/feed/latest.rss", feeds.LatestArticles(), name="feed_latest"),
    path("journals/<slug:code>/feed/latest.atom", feeds.LatestArticlesAtom(), name="atom_latest"),
    path("journals/<slug:code>/feed/current-issue.rss", feeds.CurrentIssue(), name="feed_issue"),
    path(
        "journals/<slug:code>/feed/current-issue.atom",
        feeds.CurrentIssueAtom(),
        name="atom_issue",
    ),
]
