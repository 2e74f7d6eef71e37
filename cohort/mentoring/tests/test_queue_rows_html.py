"""The review queue's rows built in Python (mentoring/html.py) are the markup the template's
loop drew: links, files, a member without a group, every text escaped, the page's CSRF
token in each row's form."""

import pytest
from django.template import Context, Template

from cohort.mentoring.html import queue_rows_html
from cohort.mentoring.selectors import review_queue
from cohort.mentoring.tests.factories import Programme
from cohort.reviews.models import Submission, SubmissionFile

pytestmark = pytest.mark.django_db

# The loop of templates/mentoring/queue.html before the rows were built in Python
LOOP = Template(
    """{% load humanize cohort_format %}
{% for item in page.items %}{% with s=item.submission %}
      <tr data-submission="{{ s.pk }}">
        <td><input type="checkbox" name="ids" value="{{ s.pk }}" form="bulk-form" aria-label="Select {{ s.assignment.title }} by {{ s.user.display_name }}"></td>
        <td>{{ s.user.display_name }}<br><span class="muted small">{{ s.user.group.name }}</span></td>
        <td>{{ s.assignment.title }}<br><span class="muted small">{{ s.assignment.category.name }} · {{ s.assignment.points }} pts</span></td>
        <td>{{ s.created_at|ago }}</td>
        <td>{{ s.text|truncatewords:30 }}{% if s.link %} <a href="{{ s.link }}" rel="noopener noreferrer nofollow">link</a>{% endif %}{% for f in s.files.all %}<br><a href="{% url 'reviews:file-download' f.pk %}">{{ f.original_name }}</a> <span class="muted small">{{ f.size|filesizeformat }}</span>{% endfor %}</td>
        <td>
          <form method="post" action="{% url 'mentoring:mentor-review' s.pk %}">
            {% csrf_token %}
            <input type="hidden" name="group" value="{{ group_id|default_if_none:'' }}">
            <label class="small">Feedback <textarea name="feedback" rows="2" aria-label="Feedback"></textarea></label>
            <div class="actions">
              <button type="submit" name="decision" value="approved" class="primary">Approve</button>
              <button type="submit" name="decision" value="changes">Request changes</button>
              <button type="submit" name="decision" value="rejected">Reject</button>
            </div>
          </form>
        </td>
      </tr>
    {% endwith %}{% endfor %}"""  # noqa: E501
)


@pytest.mark.parametrize("group_id", [None, 7])
def test_the_built_rows_are_the_loops(group_id):
    programme = Programme()
    first = programme.pending(programme.students[0])
    Submission.objects.filter(pk=first.pk).update(
        text="<script>alert(1)</script> " + "word " * 40, link="https://example.com/?a=1&b=<2>"
    )
    second = programme.pending(programme.students[1])
    SubmissionFile.objects.create(
        submission=second, file="f/x.pdf", original_name="<b>essay</b>.pdf", size=123456,
        content_type="application/pdf",
    )  # fmt: skip
    second.user.group = None
    second.user.save()
    items = review_queue(viewer=programme.mentor).items + [_item(second)]
    context = {"page": {"items": items}, "group_id": group_id, "csrf_token": "TOKEN"}

    html = queue_rows_html(items, group_id=group_id, csrf_token="TOKEN")

    assert html == LOOP.render(Context(context)).split("\n", 1)[1]
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
    assert html.count('name="csrfmiddlewaretoken" value="TOKEN"') == len(items)


def _item(submission):
    from django.utils import timezone

    from cohort.mentoring.selectors import QueueItem

    submission = Submission.objects.select_related("user__group", "assignment__category").get(
        pk=submission.pk
    )
    return QueueItem(submission, timezone.now() - submission.created_at)
