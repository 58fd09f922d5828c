"""Staff verify clinicians here, and only here. The admin shows a clinician's own declaration;
it never lists partners, answers or reports (no other model of ours is registered)."""

from __future__ import annotations

from django.contrib import admin, messages

from interdep.clinic import services
from interdep.clinic.models import ClinicianProfile

admin.site.site_header = "Interdep staff"
admin.site.site_title = "Interdep staff"
admin.site.index_title = "Verify clinicians"
#: Unknown admin paths are a plain 404, not a redirect to the admin's login.
admin.site.final_catch_all_view = False

# The admin is for verifying clinicians only. Login attempts (emails, addresses) and task
# results (couple ids) are nobody's business here; lock-outs are reset with `axes_reset`.
for _model in list(admin.site._registry):
    if _model._meta.app_label in {"auth", "axes", "django_tasks_database"}:
        admin.site.unregister(_model)


@admin.register(ClinicianProfile)
class ClinicianProfileAdmin(admin.ModelAdmin):
    list_display = ("professional_name", "registration", "applied_at", "verified_at")
    list_filter = (("verified_at", admin.EmptyFieldListFilter),)
    search_fields = ("professional_name", "registration")
    fields = ("professional_name", "registration", "applied_at", "verified_at")
    readonly_fields = fields
    actions = ("verify", "unverify")

    def get_urls(self):
        # Every admin route has a name, so the access matrix can list it (Django's unnamed
        # "<id>/" redirect to the change page is left out).
        return [url for url in super().get_urls() if url.name is not None]

    def has_add_permission(self, request):
        return False  # a clinician applies from their own account

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Verify: registration checked")
    def verify(self, request, queryset):
        for profile in queryset:
            services.clinician_verify(profile=profile, staff=request.user)
        self.message_user(request, f"{queryset.count()} verified.", messages.SUCCESS)

    @admin.action(description="Withdraw verification (every grant stops at once)")
    def unverify(self, request, queryset):
        for profile in queryset:
            services.clinician_unverify(profile=profile)
        self.message_user(request, f"{queryset.count()} no longer verified.", messages.WARNING)
