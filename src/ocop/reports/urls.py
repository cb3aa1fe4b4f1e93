"""State management (namespace `reports`, mounted at /bao-cao/): the officials' dashboard, the
lists behind its figures, the yearly report, plans, training and spreadsheet imports."""

from django.urls import path

from ocop.reports.views import dashboard, imports, plans, report, training

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("bieu-do/<str:chart>.svg", dashboard.chart_svg, name="chart"),
    path("san-pham-xep-hang/", dashboard.ranked_list, name="ranked"),
    path("bao-cao-nam/", report.yearly, name="yearly"),
    path("bao-cao-nam/bao-cao.xlsx", report.yearly_xlsx, name="yearly_xlsx"),
    path("bao-cao-nam/bao-cao.pdf", report.yearly_pdf, name="yearly_pdf"),
    path("ke-hoach/", plans.plan_list, name="plans"),
    path("ke-hoach/moi/", plans.plan_create, name="plan_create"),
    path("ke-hoach/<int:year>/<str:unit>/", plans.plan_detail, name="plan"),
    path("ke-hoach/<int:year>/<str:unit>/sua/", plans.plan_edit, name="plan_edit"),
    path("dao-tao/", training.course_list, name="courses"),
    path("dao-tao/moi/", training.course_create, name="course_create"),
    path("dao-tao/<str:code>/", training.course_detail, name="course"),
    path("dao-tao/<str:code>/sua/", training.course_edit, name="course_edit"),
    path("dao-tao/<str:code>/trang-thai/", training.course_status, name="course_status"),
    path("dao-tao/<str:code>/buoi-hoc/moi/", training.session_create, name="session_create"),
    path(
        "dao-tao/<str:code>/hoc-vien/moi/", training.participant_create, name="participant_create"
    ),
    path(
        "dao-tao/<str:code>/buoi-hoc/<int:session>/diem-danh/",
        training.attendance,
        name="attendance",
    ),
    path("nhap-du-lieu/", imports.import_list, name="imports"),
    path("nhap-du-lieu/mau/<str:kind>.xlsx", imports.template, name="import_template"),
    path("nhap-du-lieu/<str:code>/", imports.import_detail, name="import"),
    path("nhap-du-lieu/<str:code>/tien-do.json", imports.import_progress, name="import_progress"),
]
