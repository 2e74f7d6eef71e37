"""The review queue's rows as HTML, built in Python: the markup the loop in templates/
mentoring/queue.html drew with about 35 template nodes a row, 25 rows a page. Every text is
escaped here. Each row's form carries the page's CSRF token, given by the view (one token a
page, as {% csrf_token %} printed it; nothing here is cached)."""

from django.template.defaultfilters import filesizeformat, truncatewords
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cohort.core.numbers import Numbers
from cohort.core.templatetags.cohort_format import ago
from cohort.mentoring.selectors import QueueItem


def queue_rows_html(items: list[QueueItem], *, group_id: int | None, csrf_token: str) -> SafeString:
    numbers = Numbers()
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
    )
    group = "" if group_id is None else numbers.plain(group_id)
    w = {  # the rows' words in the active language, once a page, escaped
        key: escape(text)
        for key, text in {
            "link": gettext("link"),
            "select": gettext("Select %(title)s by %(member)s"),
            "pts": gettext("%(points)s pts"),
            "feedback": gettext("Feedback"),
            "approve": gettext("Approve"),
            "changes": gettext("Request changes"),
            "reject": gettext("Reject"),
        }.items()
    }
    parts = []
    for item in items:
        s = item.submission
        pk = numbers.plain(s.pk)
        title, member = escape(s.assignment.title), escape(s.user.display_name)
        group_name = escape(s.user.group.name) if s.user.group_id else ""
        work = escape(truncatewords(s.text, 30))
        if s.link:
            work += (
                f' <a href="{escape(s.link)}" rel="noopener noreferrer nofollow">{w["link"]}</a>'
            )
        for f in s.files.all():
            work += (
                f'<br><a href="{escape(reverse("reviews:file-download", args=[f.pk]))}">'
                f'{escape(f.original_name)}</a> <span class="muted small">'
                f"{escape(filesizeformat(f.size))}</span>"
            )
        review_url = escape(reverse("mentoring:mentor-review", args=[s.pk]))
        select = w["select"].replace("%(title)s", title).replace("%(member)s", member)
        points = w["pts"].replace("%(points)s", numbers.plain(s.assignment.points))
        parts.append(
            f'\n      <tr data-submission="{pk}">\n'
            f'        <td><input type="checkbox" name="ids" value="{pk}" form="bulk-form" '
            f'aria-label="{select}"></td>\n'
            f'        <td>{member}<br><span class="muted small">{group_name}</span></td>\n'
            f'        <td>{title}<br><span class="muted small">'
            f"{escape(s.assignment.category.name)} · {points}"
            "</span></td>\n"
            f"        <td>{escape(ago(s.created_at))}</td>\n"
            f"        <td>{work}</td>\n"
            "        <td>\n"
            f'          <form method="post" action="{review_url}">\n'
            f"            {csrf_input}\n"
            f'            <input type="hidden" name="group" value="{group}">\n'
            f'            <label class="small">{w["feedback"]} <textarea name="feedback" rows="2" '
            f'aria-label="{w["feedback"]}"></textarea></label>\n'
            '            <div class="actions">\n'
            '              <button type="submit" name="decision" value="approved" '
            f'class="primary">{w["approve"]}</button>\n'
            '              <button type="submit" name="decision" value="changes">'
            f"{w['changes']}</button>\n"
            '              <button type="submit" name="decision" value="rejected">'
            f"{w['reject']}</button>\n"
            "            </div>\n"
            "          </form>\n"
            "        </td>\n"
            "      </tr>\n    "
        )
    # Every text above is escaped; numbers are formatted ones.
    return mark_safe("".join(parts))  # noqa: S308
