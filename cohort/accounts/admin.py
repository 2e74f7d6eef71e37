"""Organisers manage divisions, groups and users here; every membership change goes
through the same services (and row locks) as the pages and the API."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cohort.accounts.models import MAX_GROUP_MEMBERS, Division, Group, User
from cohort.accounts.services.groups import (
    group_create,
    group_password_rotate,
    group_password_validate,
)
from cohort.accounts.services.members import member_move, member_remove, member_restore
from cohort.accounts.services.personal_password import personal_password_clear
from cohort.accounts.services.signin import signin_audit, signin_failed, signin_guard
from cohort.accounts.services.two_factor import two_factor_reset
from cohort.core.exceptions import DomainError
from cohort.core.http import client_ip
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

admin.site.unregister(AuthGroup)
admin.site.site_header = "Cohort administration"
admin.site.site_title = "Cohort"


class CohortAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in shares the pages' brute-force limits and audit trail."""

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        try:
            signin_guard(self.request, email)
        except DomainError as exc:
            raise ValidationError(exc.detail, code="locked") from exc
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is None:
                signin_failed(self.request, email)
            raise
        signin_audit(self.request, self.user_cache)
        return cleaned


admin.site.login_form = CohortAdminAuthenticationForm


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_personal_password_required", "created_at"]
    list_filter = ["is_personal_password_required"]
    search_fields = ["name"]


class GroupForm(forms.ModelForm):
    new_password = forms.CharField(
        label=gettext_lazy("Group password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Required for a new group. Setting it on an existing group signs every member out."
        ),
    )

    class Meta:
        model = Group
        fields = ["name", "division", "leader", "mentors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["leader"].queryset = User.objects.filter(group=self.instance)
        else:
            self.fields["leader"].queryset = User.objects.none()
            self.fields["new_password"].required = True
        self.fields["mentors"].queryset = User.objects.filter(role=User.Role.MENTOR)

    def clean_new_password(self):
        password = self.cleaned_data.get("new_password")
        if password:
            try:
                group_password_validate(password)
            except DomainError as exc:
                raise ValidationError(exc.detail) from exc
        return password


class MemberInline(admin.TabularInline):
    model = User
    fk_name = "group"
    fields = ["email", "display_name", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = format_lazy(
        gettext_lazy("Members (at most {max}; add or move them from Users)"), max=MAX_GROUP_MEMBERS
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    form = GroupForm
    list_display = ["name", "division", "member_count", "leader", "password_changed_at"]
    list_filter = ["division"]
    list_select_related = ["division", "leader"]
    search_fields = ["name"]
    readonly_fields = ["member_count", "password_changed_at"]
    inlines = [MemberInline]

    def save_model(self, request, obj, form, change):
        password = form.cleaned_data.get("new_password")
        if not change:
            created = group_create(
                name=obj.name,
                password=password,
                division=obj.division,
                actor=request.user,
                ip=client_ip(request),
            )
            obj.pk, obj.password = created.pk, created.password
            obj.password_changed_at, obj._state.adding = created.password_changed_at, False
            return
        with transaction.atomic():
            obj.save(update_fields=["name", "division", "leader", "updated_at"])
            if password:
                group_password_rotate(
                    group=obj, password=password, actor=request.user, ip=client_ip(request)
                )


class UserForm(forms.ModelForm):
    new_password = forms.CharField(
        label=gettext_lazy("Own password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Mentors, coordinators and organisers only; members set their own on their "
            'profile (the action "Clear personal password" sends one back to the group password).'
        ),
    )

    class Meta:
        model = User
        fields = [
            "email",
            "display_name",
            "role",
            "group",
            "division",
            "time_zone",
            "marker_colour",
            "is_active",
        ]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        role, group = data.get("role"), data.get("group")
        if role == User.Role.MEMBER and group is None:
            self.add_error("group", _("A member belongs to a group."))
        if role != User.Role.MEMBER and group is not None:
            self.add_error(
                "group", _("Only members belong to a group; mentors are assigned on the group.")
            )
        moving_in = group is not None and group.pk != self.instance.group_id
        if moving_in and group.is_full:
            self.add_error(
                "group",
                _("%(name)s is full (%(max_group_members)s members).")
                % {"name": group.name, "max_group_members": MAX_GROUP_MEMBERS},
            )
        password = data.get("new_password")
        if password and role == User.Role.MEMBER:
            self.add_error(
                "new_password",
                _("Members sign in with their group's password or set their own on their profile."),
            )
        elif password:
            try:
                group_password_validate(password)
            except DomainError as exc:
                self.add_error("new_password", exc.detail)
        if not self.instance.pk and role and role != User.Role.MEMBER and not password:
            self.add_error("new_password", _("Staff sign in with their own password: set one."))
        return data


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    list_display = ["email", "display_name", "role", "group", "is_active", "last_login"]
    list_filter = ["role", "is_active", "group__division"]
    list_select_related = ["group"]
    search_fields = ["email", "display_name", "group__name"]
    readonly_fields = ["last_login", "date_joined"]
    actions = [
        "remove_from_group",
        "restore_to_group",
        "clear_personal_password",
        "reset_two_factor",
        "close_account",
    ]

    def get_readonly_fields(self, request, obj=None):
        # A closed account is erased for good: nothing on it may be edited back.
        if obj is not None and obj.closed_at is not None:
            return [f.name for f in self.model._meta.fields]
        return super().get_readonly_fields(request, obj)

    @admin.action(description="Close the selected account (on the person's request)")
    def close_account(self, request, queryset):
        """One account at a time, through the confirmation page /people/<id>/close/."""
        ids = list(queryset.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            self.message_user(request, "Select exactly one account to close.", messages.ERROR)
            return None
        return redirect("accounts:account-close-member", user_id=ids[0])

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        target_group = data.get("group")
        with transaction.atomic():
            if data.get("new_password"):
                obj.set_password(data["new_password"])
            elif not change:
                obj.set_unusable_password()
            if not change:
                obj.group = None
                obj.save()
            else:
                before = User.objects.values("group_id", "role").get(pk=obj.pk)
                obj.group_id = before["group_id"]
                obj.save()
                if before["role"] != obj.role:
                    audit_record(
                        action=AuditEvent.Action.ROLE_CHANGED,
                        actor=request.user,
                        ip=client_ip(request),
                        target=obj,
                        old=before["role"],
                        new=obj.role,
                    )
            if target_group is not None and obj.group_id is None and obj.is_member:
                # A removed member coming back: the organiser's restore, audited as such.
                member_restore(
                    user=obj, group=target_group, actor=request.user, ip=client_ip(request)
                )
            elif target_group is not None and target_group.pk != obj.group_id:
                member_move(
                    user=obj, to_group=target_group, actor=request.user, ip=client_ip(request)
                )
            elif target_group is None and obj.group_id is not None:
                member_remove(user=obj, actor=request.user, ip=client_ip(request))

    @admin.action(
        description=gettext_lazy("Clear personal password (the group password signs in again)")
    )
    def clear_personal_password(self, request, queryset):
        cleared = sum(
            personal_password_clear(user=user, actor=request.user, ip=client_ip(request))
            for user in queryset.filter(role=User.Role.MEMBER)
        )
        self.message_user(
            request,
            ngettext(
                "Cleared %(count)s personal password; their sessions have ended.",
                "Cleared %(count)s personal passwords; their sessions have ended.",
                cleared,
            )
            % {"count": cleared},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Reset two-factor sign-in (a lost phone: they set up again)")
    )
    def reset_two_factor(self, request, queryset):
        """Another organiser's way, from the browser, to what `manage.py two_factor_reset`
        does: the authenticator and recovery codes go, audited with who did it."""
        organisers = list(queryset.filter(role=User.Role.ORGANISER).order_by("pk"))
        for user in organisers:
            two_factor_reset(email=user.email, actor=request.user, ip=client_ip(request))
        self.message_user(
            request,
            ngettext(
                "Reset two-factor sign-in of %(count)s organiser; they set up an "
                "authenticator again at their next sign-in.",
                "Reset two-factor sign-in of %(count)s organisers; each sets up an "
                "authenticator again at their next sign-in.",
                len(organisers),
            )
            % {"count": len(organisers)},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Remove the selected members from their group"))
    def remove_from_group(self, request, queryset):
        removed = 0
        for user in queryset.filter(group__isnull=False):
            member_remove(user=user, actor=request.user, ip=client_ip(request))
            removed += 1
        self.message_user(
            request,
            ngettext(
                "Removed %(count)s member from their group.",
                "Removed %(count)s members from their group.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Bring the selected former members back into a group"))
    def restore_to_group(self, request, queryset):
        """Two steps: choose the group (an intermediate page), then restore each member
        without a group through member_restore; members still in a group are left alone."""
        form = RestoreForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Bring former members back",
                "form": form,
                "users": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/accounts/user/restore_to_group.html", context)
        restored, group = 0, form.cleaned_data["group"]
        for user in queryset.filter(group__isnull=True, role=User.Role.MEMBER).order_by("pk"):
            try:
                member_restore(user=user, group=group, actor=request.user, ip=client_ip(request))
            except DomainError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
                break
            restored += 1
        self.message_user(
            request,
            ngettext(
                "Brought back %(count)s member into %(group)s.",
                "Brought back %(count)s members into %(group)s.",
                restored,
            )
            % {"count": restored, "group": group.name},
        )
        return None


class RestoreForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=Group.objects.order_by("name"), label=gettext_lazy("Into group")
    )
