"""Vault credits and titles: every change to a wallet's balance is a uniquely keyed
CreditTransaction written under the wallet's row lock, so a grant happens once and a
purchase can never overspend. Legacy (the lifetime score) is never touched here."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from cohort.accounts.models import User
from cohort.competition.leaderboards.cache import board_people_forget
from cohort.competition.models import CreditTransaction, OwnedTitle, Title, Wallet
from cohort.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from cohort.ops.models import AuditEvent
from cohort.ops.services import audit_record

# Grants are written this many at a time: bounded memory and IN lists at 100,000 members.
_CHUNK = 2_000


@dataclass(frozen=True)
class Grant:
    user_id: int
    amount: int
    reason: str
    source_key: str


@dataclass(frozen=True)
class Redemption:
    title: Title
    cost: int
    balance: int


def credits_grant(
    *, user_id: int, amount: int, reason: str, source_key: str
) -> CreditTransaction | None:
    """Add `amount` (> 0) credits once per `source_key`: returns the new transaction, or None
    when that key was already used. Serialised per member by the wallet's row lock."""
    _amount_check(amount)
    with transaction.atomic():
        wallet = _wallet_locked(user_id)
        if CreditTransaction.objects.filter(source_key=source_key).exists():
            return None
        try:
            with transaction.atomic():  # the key may be racing in for another member
                entry = CreditTransaction.objects.create(
                    wallet=wallet,
                    amount=amount,
                    balance_after=wallet.balance + amount,
                    reason=reason[:200],
                    source_key=source_key,
                )
        except IntegrityError:
            return None
        wallet.balance = entry.balance_after
        wallet.save(update_fields=["balance"])
    return entry


def credits_grant_many(*, grants: Iterable[tuple[int, int, str, str]]) -> int:
    """Add many (user_id, amount, reason, source_key) grants in one transaction, each key
    once (keys already used, here or before, are skipped); returns how many were new.
    Set-based: a few queries per 2,000 grants. Wallets are locked in user order, so two
    bulk grants never deadlock."""
    rows = [Grant(u, a, r, k) for u, a, r, k in grants]
    for row in rows:
        _amount_check(row.amount)
    # Sorted by member (stable: a member's grants keep their order) and never split across
    # chunks, so locks are taken in one global order and each chunk sees the last one's
    # balances.
    rows.sort(key=lambda row: row.user_id)
    created = 0
    with transaction.atomic():
        for chunk in _chunks_by_user(rows):
            created += _grant_chunk(chunk)
    return created


def titles_grant_many(*, title: Title, user_ids: Iterable[int]) -> int:
    """Give `title` to these members (an award at a season's end, or an organiser's gift);
    members who hold it already are skipped. Returns how many were new."""
    user_ids = sorted(set(user_ids))
    created = 0
    with transaction.atomic():
        for start in range(0, len(user_ids), _CHUNK):
            batch = user_ids[start : start + _CHUNK]
            holders = set(
                OwnedTitle.objects.filter(title=title, user_id__in=batch).values_list(
                    "user_id", flat=True
                )
            )
            new = [OwnedTitle(user_id=u, title=title) for u in batch if u not in holders]
            # ignore_conflicts: a concurrent grant of the same title is not an error.
            OwnedTitle.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
        audit_record(
            action=AuditEvent.Action.TITLES_GRANTED,
            target=title,
            members=len(user_ids),
            new=created,
        )
    return created


def title_redeem(*, user: User, title_id: int) -> Redemption:
    """A member buys a title for sale with credits: the debit and the title in one
    transaction under the wallet's row lock. NotFound for a title not for sale, Conflict
    when already owned or when the balance is short (saying how much more is needed)."""
    _member_check(user)
    title = Title.objects.filter(pk=title_id, is_for_sale=True, award="").first()
    if title is None:
        raise NotFound(gettext("There is no such title for sale."))
    with transaction.atomic():
        wallet = _wallet_locked(user.pk)
        if OwnedTitle.objects.filter(user=user, title=title).exists():
            raise Conflict(gettext("You already own “%(name)s”.") % {"name": title.name})
        if wallet.balance < title.cost:
            short = title.cost - wallet.balance
            raise Conflict(
                gettext("“%(name)s” costs %(cost)s credits: you need %(short)s more.")
                % {"name": title.name, "cost": title.cost, "short": short}
            )
        if title.cost:
            _debit(wallet, title)
        OwnedTitle.objects.create(user=user, title=title)
    return Redemption(title=title, cost=title.cost, balance=wallet.balance)


def title_equip(*, user: User, title_id: int) -> Title:
    """Show one of the member's own titles beside their name, taking the previous one off
    in the same transaction. NotFound when they don't own it."""
    _member_check(user)
    with transaction.atomic():
        # Locking the member's titles serialises two equips at once, so the second one
        # sees the first one's title and takes it off instead of breaking the
        # one-equipped constraint.
        owned = dict(
            OwnedTitle.objects.select_for_update()
            .filter(user=user)
            .order_by("pk")
            .values_list("title_id", "pk")
        )
        if title_id not in owned:
            raise NotFound(gettext("You don't own that title."))
        OwnedTitle.objects.filter(user=user, is_equipped=True).exclude(pk=owned[title_id]).update(
            is_equipped=False
        )
        OwnedTitle.objects.filter(pk=owned[title_id]).update(is_equipped=True)
        board_people_forget([user.pk])  # the boards show the title beside the name
    return Title.objects.get(pk=title_id)


def title_unequip(*, user: User) -> int:
    """Take off the member's equipped title, if any; returns 1 or 0."""
    _member_check(user)
    taken_off = OwnedTitle.objects.filter(user=user, is_equipped=True).update(is_equipped=False)
    if taken_off:
        board_people_forget([user.pk])
    return taken_off


def _member_check(user: User) -> None:
    # Organisers grant titles through the admin or the season's end; they don't shop.
    if not user.is_member:
        raise PermissionDenied(gettext("Only members redeem and wear titles."))


def _amount_check(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput(gettext("A grant is a positive whole number of credits."))


def _wallet_locked(user_id: int) -> Wallet:
    """The member's wallet, made if missing, locked until the caller's transaction ends."""
    wallet = Wallet.objects.select_for_update().filter(user_id=user_id).first()
    if wallet is not None:
        return wallet
    try:
        with transaction.atomic():
            Wallet.objects.create(user_id=user_id)
    except IntegrityError:  # a concurrent first grant or purchase made it
        pass
    return Wallet.objects.select_for_update().get(user_id=user_id)


def _debit(wallet: Wallet, title: Title) -> None:
    """Caller holds the wallet's lock and has checked the balance covers the cost."""
    try:
        with transaction.atomic():
            CreditTransaction.objects.create(
                wallet=wallet,
                amount=-title.cost,
                balance_after=wallet.balance - title.cost,
                reason=f"Bought the title “{title.name}”"[:200],
                source_key=f"title:{title.pk}:user:{wallet.user_id}",
            )
    except IntegrityError:  # bought before, then taken away by an organiser
        raise Conflict(
            gettext("You have bought “%(name)s” before.") % {"name": title.name}
        ) from None
    wallet.balance -= title.cost
    wallet.save(update_fields=["balance"])


def _chunks_by_user(rows: list[Grant]) -> Iterable[list[Grant]]:
    """About _CHUNK grants at a time, never splitting one member's grants."""
    chunk: list[Grant] = []
    for _, group in groupby(rows, key=lambda row: row.user_id):
        chunk.extend(group)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _grant_chunk(chunk: list[Grant]) -> int:
    """Caller sorted `chunk` by member and holds a transaction; returns how many were new."""
    user_ids = sorted({row.user_id for row in chunk})
    Wallet.objects.bulk_create([Wallet(user_id=u) for u in user_ids], ignore_conflicts=True)
    wallets = {
        w.user_id: w
        for w in Wallet.objects.select_for_update().filter(user_id__in=user_ids).order_by("user")
    }
    # Under the wallets' locks no grant to these members can slip in, so keys seen now
    # are exactly the ones to skip.
    keys = {row.source_key for row in chunk}
    used = set(
        CreditTransaction.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
    )
    entries, changed = [], {}
    for row in chunk:
        if row.source_key in used:
            continue
        used.add(row.source_key)  # the same key twice in one call counts once
        wallet = wallets[row.user_id]
        wallet.balance += row.amount
        changed[wallet.pk] = wallet
        entries.append(_entry(wallet, row))
    CreditTransaction.objects.bulk_create(entries, ignore_conflicts=True)
    _inserted_check(entries)
    Wallet.objects.bulk_update(list(changed.values()), ["balance"])
    return len(entries)


def _entry(wallet: Wallet, row: Grant) -> CreditTransaction:
    return CreditTransaction(
        wallet=wallet,
        amount=row.amount,
        balance_after=wallet.balance,
        reason=row.reason[:200],
        source_key=row.source_key,
    )


def _inserted_check(entries: list[CreditTransaction]) -> None:
    """ON CONFLICT DO NOTHING only skips a key racing in for a member outside this chunk (a
    caller bug); the balances computed above would then be wrong, so undo everything."""
    keys = [e.source_key for e in entries]
    wallet_of = {e.source_key: e.wallet_id for e in entries}
    written = CreditTransaction.objects.filter(source_key__in=keys).values_list(
        "source_key", "wallet_id"
    )
    if sum(wallet_of[key] == wallet_id for key, wallet_id in written) != len(entries):
        raise Conflict(
            gettext("Some grant keys were used concurrently elsewhere; nothing was granted.")
        )
