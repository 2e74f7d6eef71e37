import factory

from cohort.ops.models import AuditEvent, JobRun


class JobRunFactory(factory.django.DjangoModelFactory):
    """A job run still running; pass outcome/finished_at for one that ended."""

    class Meta:
        model = JobRun

    name = "update_progress"


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    action = AuditEvent.Action.SIGN_IN
