from django.urls import path

from ocop.trade.views import points, store_links

app_name = "points"
urlpatterns = [
    # The public directory and a point's page; the fixed paths come before /<code>/.
    path("", points.directory, name="directory"),
    # Management: the provincial office (every point) and the buyer that runs a point.
    path("quan-ly/", points.manage_list, name="manage"),
    path("quan-ly/them/", points.create, name="create"),
    # A product's e-commerce store links (from the product's management page).
    path("lien-ket/<str:code>/", store_links.store_links, name="store_links"),
    path("lien-ket/<str:code>/xoa/", store_links.remove, name="store_link_remove"),
    path("lien-ket/<str:code>/thu-tu/", store_links.move, name="store_link_move"),
    path("<str:code>/", points.detail, name="detail"),
    path("<str:code>/sua/", points.edit, name="edit"),
    path("<str:code>/trang-thai/", points.change_status, name="status"),
    path("<str:code>/san-pham/", points.products, name="products"),
    path("<str:code>/san-pham/bo/", points.remove_product, name="remove_product"),
    path("<str:code>/lich-su/", points.history, name="history"),
]
