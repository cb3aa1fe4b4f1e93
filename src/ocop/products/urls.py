from django.urls import path

from ocop.products.views import edit, photos, registry

app_name = "products"
urlpatterns = [
    path("", registry.product_list, name="list"),
    path("them/", edit.product_create, name="create"),
    path("<str:code>/", registry.product_detail, name="detail"),
    path("<str:code>/sua/", edit.product_edit, name="edit"),
    path("<str:code>/lich-su/", registry.product_history, name="history"),
    path("<str:code>/luu-tru/", edit.product_archive, name="archive"),
    path("<str:code>/khoi-phuc/", edit.product_restore, name="restore"),
    path("<str:code>/anh/them/", photos.photo_add, name="photo_add"),
    path("<str:code>/anh/<str:file_code>/", photos.photo, name="photo"),
    path("<str:code>/anh/<str:file_code>/xoa/", photos.photo_remove, name="photo_remove"),
]
