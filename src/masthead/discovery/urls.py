from django.urls import path

from masthead.discovery import views

app_name = "discovery"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemaps/<slug:code>-<int:page>.xml", views.journal_sitemap, name="journal_sitemap"),
]
