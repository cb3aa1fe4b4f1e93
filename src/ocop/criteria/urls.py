from django.urls import path

from ocop.criteria.views import sets

app_name = "criteria"
urlpatterns = [
    path("", sets.set_list, name="sets"),
    path("<slug:code>/", sets.set_detail, name="set"),
    path("<slug:code>/bo-<int:number>/", sets.scorecard_detail, name="scorecard"),
    path("<slug:code>/bo-<int:number>/phieu/", sets.scorecard_sheet, name="sheet"),
]
