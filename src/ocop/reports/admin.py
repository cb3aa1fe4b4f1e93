from django.contrib import admin

from ocop.reports.models import ImportJob, Plan, TrainingCourse


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("year", "unit", "products_target")
    list_filter = ("year",)
    raw_id_fields = ("unit", "created_by")


@admin.register(TrainingCourse)
class TrainingCourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "year", "audience", "status")
    list_filter = ("year", "audience", "status")
    search_fields = ("code", "title")
    readonly_fields = ("code", "status")
    raw_id_fields = ("unit", "created_by")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "file_name", "status", "processed_rows", "total_rows")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportJob._meta.fields]
