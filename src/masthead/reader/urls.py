from django.urls import path

from masthead.reader import downloads, views

app_name = "reader"

urlpatterns = [
    path("", views.home, name="home"),
    path("journals/", views.journal_list, name="journals"),
    path("journals/<slug:code>", views.journal, name="journal"),
    path("toc/<slug:code>/<str:volume>/<str:number>", views.toc, name="toc"),
    path("doi/abs/<path:doi>", views.article, name="article"),
    path("doi/full/<path:doi>", views.full_text, name="full_text"),
    path("doi/pdf/<path:doi>", downloads.pdf, name="pdf"),
    path("doi/cite/<path:doi>", views.cite, name="cite"),
    path("doi/xml/<path:doi>", views.jats_xml, name="jats_xml"),
    path("doi/citedby/<path:doi>", views.cited_by_page, name="cited_by"),
    path("doi/related/<path:doi>", views.related_page, name="related"),
    path("doi/asset/<str:name>", downloads.asset, name="asset"),
    path("doi/<path:doi>", views.doi_redirect, name="doi"),
]
