"""Moves each submission's single `file` into a SubmissionFile row (the stored object stays
where it is; only the reference moves). The reverse puts the first file back."""

import mimetypes
import posixpath

from django.db import migrations


def forward(apps, schema_editor):
    Submission = apps.get_model("reviews", "Submission")
    SubmissionFile = apps.get_model("reviews", "SubmissionFile")
    for submission in Submission.objects.exclude(file="").iterator():
        name = submission.file.name
        try:
            size = submission.file.size
        except Exception:  # the object is gone (OSError, or S3's ClientError): keep the row
            size = 0
        SubmissionFile.objects.create(
            submission=submission,
            file=name,
            original_name=posixpath.basename(name),
            size=size,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        )


def backward(apps, schema_editor):
    Submission = apps.get_model("reviews", "Submission")
    SubmissionFile = apps.get_model("reviews", "SubmissionFile")
    for row in SubmissionFile.objects.order_by("submission_id", "-id").iterator():
        Submission.objects.filter(pk=row.submission_id).update(file=row.file.name)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_assignment_kinds_submission_files")]

    operations = [migrations.RunPython(forward, backward)]
