"""Admin forms of the course pages."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

NO_ASSESSED_CRITERION = _(
    "This course awards a certificate but assesses nothing: a learner who answers everything "
    "wrong would still receive it. Add final assessment questions, or give a required lesson the "
    "rule “every scored activity passed”, or tick this box to confirm."
)


class CoursePageForm(WagtailAdminPageForm):
    """Publishing (or submitting for review) a course that awards a certificate needs an
    assessed criterion, or the trainer's explicit confirmation. Saving a draft is allowed;
    the editor then shows a warning (courses.wagtail_hooks)."""

    def clean(self):
        from courses.activities import course_assessed_criteria

        cleaned = super().clean()
        self._clean_recertification(cleaned)
        if self.is_deferred_validation:  # "save draft"
            return cleaned
        if not cleaned.get("awards_certificate") or cleaned.get("certificate_without_assessment"):
            return cleaned
        stream = cleaned.get("final_assessment")
        criteria = course_assessed_criteria(
            course=self.instance, final_assessment=stream if stream is not None else []
        )
        if not criteria:
            self.add_error("certificate_without_assessment", NO_ASSESSED_CRITERION)
        return cleaned

    def _clean_recertification(self, cleaned):
        """A recertification course must award a certificate (its completion issues the
        renewed one) and cannot be the course itself."""
        other = cleaned.get("recertification_course")
        if other is None:
            return
        if self.instance.pk and other.pk == self.instance.pk:
            self.add_error(
                "recertification_course",
                _("A course cannot be its own recertification course."),
            )
        elif not other.awards_certificate:
            self.add_error(
                "recertification_course",
                _("The recertification course must award a certificate."),
            )
