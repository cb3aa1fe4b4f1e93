from django.urls import path

from ocop.catalog import feeds
from ocop.catalog.views import featured, news

app_name = "news"
urlpatterns = [
    # The public: the list, the feeds, an article (the fixed paths come before <slug>).
    path("", news.article_list, name="list"),
    path("rss.xml", feeds.LatestArticlesRss(), name="rss"),
    path("atom.xml", feeds.LatestArticlesAtom(), name="atom"),
    # Management by the provincial OCOP office: articles and the home page's featured products.
    path("quan-ly/", news.manage_list, name="manage"),
    path("quan-ly/viet/", news.create, name="create"),
    path("quan-ly/noi-bat/", featured.featured, name="featured"),
    path("quan-ly/noi-bat/bo/", featured.remove, name="featured_remove"),
    path("quan-ly/noi-bat/thu-tu/", featured.move, name="featured_move"),
    path("quan-ly/<str:code>/", news.manage_detail, name="manage_detail"),
    path("quan-ly/<str:code>/sua/", news.edit, name="edit"),
    path("quan-ly/<str:code>/trang-thai/", news.change_status, name="status"),
    path("<slug:slug>/", news.article_detail, name="detail"),
]
