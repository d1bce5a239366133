"""Every write to a discussion goes through here: one path, one set of rules.

Views, the import command and the admin call these functions. They ask
:mod:`discussions.rules` who may do what, store, and record the change with
:func:`discussions.events.contribution_changed` (the live event and the signal other
apps' receivers turn into indexing and mail after the commit).
"""

import zlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.markup import render_markdown

from . import events, rules
from .errors import NotAllowed, NotFound, Refused, TooManyPosts
from .models import (
    Channel,
    Contribution,
    Flag,
    FlagReason,
    Follow,
    Reaction,
    ReactionKind,
    ResponseStatus,
    Status,
    discussion_key,
)

#: A post identical to one the same person sent to the same place this recently is that
#: post sent twice (a double click, a retry after a timeout): it is not stored again.
RESUBMISSION_WINDOW = timedelta(minutes=10)


# --- who may write ---------------------------------------------------------------------
def _check_may_write(host, user, session) -> None:
    refusal = rules.write_refusal(user, host, session)
    if refusal is not None:
        raise refusal


def clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write something before sending."))
    if len(text) > settings.DISCUSSIONS_MAX_LENGTH:
        raise Refused(
            _("Contributions are limited to %(limit)d characters; this one has %(count)d.")
            % {"limit": settings.DISCUSSIONS_MAX_LENGTH, "count": len(text)}
        )
    return text


def _check_rate(user, moment: datetime) -> None:
    recent = Contribution.objects.filter(user=user, submit_date__gt=moment - timedelta(minutes=1)).count()
    if recent >= settings.DISCUSSIONS_POSTS_PER_MINUTE:
        raise TooManyPosts(
            _("You have sent %(count)d contributions in the last minute. Wait a moment and send it again.")
            % {"count": recent}
        )


def _reply_parent(parent: Contribution) -> Contribution:
    """The contribution a reply really attaches to: the deepest allowed level at most."""
    max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    while parent.level >= max_level and parent.parent_id != parent.pk:
        parent = Contribution.objects.get(pk=parent.parent_id)
    return parent


def _serialise_author(user) -> None:
    """One write at a time per participant (PostgreSQL; SQLite serialises all writes),
    so that two copies of one post sent at once cannot both pass the duplicate check."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"contribution-author:{user.pk}".encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _resubmission(author, content_type, object_pk: str, parent, text: str, moment: datetime):
    """The contribution this post repeats — the same text from the same person to the same
    place within ``RESUBMISSION_WINDOW`` (a double click, a retry after a timeout) — or
    None. It is marked ``resubmitted`` so the caller can say so."""
    _serialise_author(author)
    earlier = (
        Contribution.norel_objects.filter(
            user=author,
            content_type=content_type,
            object_pk=object_pk,
            comment=text,
            submit_date__gte=moment - RESUBMISSION_WINDOW,
            withdrawn_at__isnull=True,
        )
        .exclude(status=Status.REMOVED)
        .order_by("-pk")
    )
    earlier = earlier.filter(parent_id=parent.pk).exclude(pk=parent.pk) if parent else earlier.filter(level=0)
    found = earlier.first()
    if found is not None:
        found.resubmitted = True
    return found


# --- contributions ---------------------------------------------------------------------
@transaction.atomic
def contribution_create(
    *,
    target,
    author: AbstractBaseUser | None,
    text: str,
    section_anchor: str = "",
    parent: Contribution | None = None,
    official: bool = False,
    follow: bool = False,
    ip_address: str | None = None,
    channel: str = Channel.WEB,
    author_name: str = "",
    author_sector: str = "",
    author_territory=None,
    submitted_at: datetime | None = None,
    import_ref: str = "",
    check_rules: bool = True,
    session=None,
) -> Contribution:
    """Store a contribution (or a reply, with ``parent``) to ``target``'s discussion.

    With ``check_rules`` (every web post), the author must see the target (``session``
    carries a password restriction they passed), the target must be open, and the
    author a confirmed participant within the rate limit. Imports of contributions
    gathered offline pass ``check_rules=False`` and name the author themselves.
    """
    moment = timezone.now()
    if check_rules:
        _check_may_write(target, author, session)
    text = clean_text(text)
    if official and not rules.can_reply_officially(author):
        raise NotAllowed(_("Only government accounts can post an official reply."))
    content_type, object_pk = discussion_key(target)
    if parent is not None:
        if (parent.content_type_id, parent.object_pk) != (content_type.pk, object_pk):
            raise Refused(_("You can only reply to a contribution of this same discussion."))
        if check_rules and not parent.is_visible:
            raise Refused(_("This contribution no longer takes replies."))
        parent = _reply_parent(parent)
        section_anchor = parent.section_anchor
    elif section_anchor and section_anchor not in {s["anchor"] for s in target.discussion_sections}:
        raise NotFound(_("This commitment has no section “%(anchor)s”.") % {"anchor": section_anchor})
    if check_rules:
        earlier = _resubmission(author, content_type, object_pk, parent, text, moment)
        if earlier is not None:
            return earlier
        _check_rate(author, moment)

    held = check_rules and target.discussion_premoderated
    contribution = Contribution(
        content_type=content_type,
        object_pk=object_pk,
        site_id=settings.SITE_ID,
        parent_id=parent.pk if parent else 0,
        section_anchor=section_anchor,
        comment=text,
        body_html=render_markdown(text),
        submit_date=submitted_at or moment,
        ip_address=ip_address,
        channel=channel,
        is_official=official,
        status=Status.HELD if held else Status.PUBLISHED,
        is_public=not held,
        import_ref=import_ref,
    )
    if author is not None and author.is_authenticated:
        _snapshot_author(contribution, author)
    else:
        contribution.author_display_name = author_name
        contribution.user_name = author_name[:50]
        contribution.author_sector = author_sector
        contribution.author_territory = author_territory
    contribution.save()
    if follow and author is not None:
        follow_set(user=author, target=target, thread=contribution.thread_id, following=True, session=session)
    # Contributions brought in from offline channels (imports) announce nothing by mail.
    events.contribution_changed(contribution, "created", notify=check_rules)
    return contribution


def author_snapshot(user) -> dict:
    """Who is writing, as their writing keeps showing it even if their profile changes:
    ``author_display_name``, ``author_sector``, ``author_organisation``, ``author_territory_id``."""
    participant = user.participant
    # Speaking for an organisation is shown only once an operator has verified it.
    organisation = participant.organisation
    return {
        "author_display_name": participant.display_name,
        "author_sector": participant.sector,
        "author_organisation": organisation.name if organisation and organisation.verified else "",
        "author_territory_id": participant.territory_id,
    }


def _snapshot_author(contribution: Contribution, user) -> None:
    contribution.user = user
    contribution.user_name = user.participant.display_name[:50]
    contribution.user_email = user.email
    for field, value in author_snapshot(user).items():
        setattr(contribution, field, value)


@transaction.atomic
def contribution_edit(*, contribution: Contribution, editor, text: str, session=None) -> Contribution:
    """The author corrects their text within ``DISCUSSIONS_EDIT_MINUTES``; the earlier
    text is kept as a revision."""
    moment = timezone.now()
    host = contribution.content_object
    if not rules.may_see(editor, host, session):
        raise rules.not_found()
    if not rules.is_author(editor, contribution):
        raise NotAllowed(_("Only its author can edit a contribution."))
    if host.discussion_own_forms:
        raise NotAllowed(_("This contribution can no longer be edited."))
    _check_may_write(host, editor, session)
    if not contribution.is_visible:
        raise NotAllowed(_("This contribution can no longer be edited."))
    if moment >= rules.edit_deadline(contribution):
        raise NotAllowed(
            _("Contributions can be edited for %(minutes)d minutes after sending; that time is over.")
            % {"minutes": settings.DISCUSSIONS_EDIT_MINUTES}
        )
    text = clean_text(text)
    if text == contribution.comment:
        return contribution
    contribution.revisions.create(
        comment=contribution.comment, created_at=contribution.edited_at or contribution.submit_date
    )
    contribution.comment = text
    contribution.body_html = render_markdown(text)
    contribution.edited_at = moment
    contribution.save(update_fields=["comment", "body_html", "edited_at"])
    events.contribution_changed(contribution, "edited")
    return contribution


@transaction.atomic
def contribution_withdraw(*, contribution: Contribution, author, session=None) -> Contribution:
    """The author takes their text back from the public. The place in the thread and its
    replies stay; the text stays in the revisions moderators can read — nothing is deleted."""
    if not rules.may_see(author, contribution.content_object, session):
        raise rules.not_found()
    if not rules.is_author(author, contribution):
        raise NotAllowed(_("Only its author can withdraw a contribution."))
    if contribution.is_withdrawn:
        return contribution
    contribution.revisions.create(
        comment=contribution.comment, created_at=contribution.edited_at or contribution.submit_date
    )
    contribution.comment = ""
    contribution.body_html = ""
    contribution.withdrawn_at = timezone.now()
    contribution.save(update_fields=["comment", "body_html", "withdrawn_at"])
    events.contribution_changed(contribution, "withdrawn")
    return contribution


# --- reactions, flags, follows ---------------------------------------------------------
def _check_can_act(contribution: Contribution, user, session) -> None:
    if not rules.may_see(user, contribution.content_object, session):
        raise rules.not_found()
    refusal = rules.participant_refusal(user)
    if refusal:
        raise refusal
    if not contribution.is_visible:
        raise NotFound(_("This contribution is not available."))


@transaction.atomic
def reaction_set(*, contribution: Contribution, user, kind: str | None, session=None) -> Contribution:
    """Support, disagree, or (``kind=None``) take one's reaction back. Repeating is harmless."""
    _check_can_act(contribution, user, session)
    _check_may_write(contribution.content_object, user, session)
    if rules.is_author(user, contribution):
        raise NotAllowed(_("You cannot react to your own contribution."))
    if kind is None:
        Reaction.objects.filter(contribution=contribution, user=user).delete()
    elif kind in ReactionKind.values and kind in contribution.content_object.discussion_reaction_kinds:
        Reaction.objects.update_or_create(contribution=contribution, user=user, defaults={"kind": kind})
    else:
        raise Refused(_("Unknown reaction."))
    counts = contribution.reactions.aggregate(
        support=Count("pk", filter=Q(kind=ReactionKind.SUPPORT)),
        disagree=Count("pk", filter=Q(kind=ReactionKind.DISAGREE)),
    )
    contribution.support_count, contribution.disagree_count = counts["support"], counts["disagree"]
    contribution.save(update_fields=["support_count", "disagree_count"])
    events.contribution_changed(contribution, "reacted")
    return contribution


@transaction.atomic
def flag_create(*, contribution: Contribution, user, reason: str, session=None) -> Flag:
    """Report a contribution; enough distinct reports hide it until a moderator decides."""
    _check_can_act(contribution, user, session)
    if reason not in FlagReason.values:
        raise Refused(_("Choose why you are reporting this contribution."))
    if rules.is_author(user, contribution):
        raise NotAllowed(_("You cannot report your own contribution."))
    try:
        with transaction.atomic():
            flag = Flag.objects.create(contribution=contribution, user=user, reason=reason)
    except IntegrityError:
        raise Refused(
            _("You have already reported this contribution; moderators will review it."), status=409
        ) from None
    contribution.flag_count = contribution.flags_raised.filter(resolved_at__isnull=True).count()
    fields = ["flag_count"]
    if contribution.flag_count >= settings.DISCUSSIONS_FLAGS_TO_HIDE and contribution.status == Status.PUBLISHED:
        contribution.status, contribution.is_public = Status.HELD, False
        fields += ["status", "is_public"]
    contribution.save(update_fields=fields)
    events.contribution_changed(contribution, "hidden" if "status" in fields else "flagged")
    return flag


def follow_set(*, user, target, thread: int | None = None, following: bool, session=None) -> bool:
    """Follow (mail on new contributions) a whole discussion, or one thread of it."""
    if following and not rules.may_see(user, target, session):
        raise rules.not_found()
    return subscription_set(user=user, subject=target, thread=thread, following=following)


def subscription_set(*, user, subject, thread: int | None = None, following: bool) -> bool:
    """Record that ``user`` follows ``subject`` (a discussion; or what an app lets people
    follow, such as a forum category, after checking they may see it)."""
    if not (user is not None and user.is_authenticated):
        raise rules.participant_refusal(user)
    content_type, object_pk = discussion_key(subject)
    lookup = {"user": user, "content_type": content_type, "object_pk": object_pk, "thread_id": thread}
    if following:
        Follow.objects.get_or_create(**lookup)
    else:
        Follow.objects.filter(**lookup).delete()
    return following


# --- moderation ------------------------------------------------------------------------
def _check_moderator(user) -> None:
    if not rules.can_moderate(user):
        raise NotAllowed(_("Only moderators can approve or remove contributions."))


@transaction.atomic
def moderation_approve(*, contribution: Contribution, moderator) -> Contribution:
    _check_moderator(moderator)
    moment = timezone.now()
    contribution.flags_raised.filter(resolved_at__isnull=True).update(resolved_at=moment)
    was_public = contribution.status == Status.PUBLISHED
    contribution.status, contribution.is_public, contribution.is_removed = Status.PUBLISHED, True, False
    contribution.flag_count, contribution.moderated_at, contribution.removal_reason = 0, moment, ""
    contribution.save(
        update_fields=["status", "is_public", "is_removed", "flag_count", "moderated_at", "removal_reason"]
    )
    log(instance=contribution, action="discussions.approve", user=moderator)
    if not was_public:
        events.contribution_changed(contribution, "created")
    return contribution


@transaction.atomic
def moderation_remove(*, contribution: Contribution, moderator, reason: str) -> Contribution:
    _check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for removing it: the author will read it."))
    moment = timezone.now()
    contribution.flags_raised.filter(resolved_at__isnull=True).update(resolved_at=moment)
    contribution.status, contribution.is_public, contribution.is_removed = Status.REMOVED, False, True
    contribution.removal_reason, contribution.moderated_at, contribution.flag_count = reason, moment, 0
    contribution.save(
        update_fields=["status", "is_public", "is_removed", "removal_reason", "moderated_at", "flag_count"]
    )
    log(instance=contribution, action="discussions.remove", user=moderator, data={"reason": reason})
    events.contribution_changed(contribution, "removed")
    return contribution


# --- the government's reasoned response --------------------------------------------------
@transaction.atomic
def response_record(*, contribution: Contribution, status: str, text: str, responder) -> Contribution:
    if not rules.can_respond(responder):
        raise NotAllowed(_("Only the government's staff can record a response."))
    if not contribution.is_top_level:
        raise Refused(_("Responses are recorded on top-level contributions; replies belong to their thread."))
    if status not in ResponseStatus.values:
        raise Refused(_("Choose a response status."))
    text = (text or "").strip()
    if not text:
        raise Refused(_("A response needs its reason, in writing."))
    first = not contribution.response_status
    contribution.response_status, contribution.response_text = status, text
    contribution.responded_at, contribution.responded_by = timezone.now(), responder
    contribution.save(update_fields=["response_status", "response_text", "responded_at", "responded_by"])
    log(instance=contribution, action="discussions.respond", user=responder, data={"status": status})
    events.contribution_changed(contribution, "responded" if first else "response_edited")
    return contribution


# --- a participant who leaves -----------------------------------------------------------
#: What a deleted participant's contributions keep of them (plus the name, translated).
ANONYMOUS_AUTHOR = {
    "user": None,
    "user_email": "",
    "user_url": "",
    "ip_address": None,
    "author_organisation": "",
    "followup": False,
}


def _recount(contribution_ids: set[int]) -> None:
    """Bring reaction and flag counters back in line after someone's reactions and flags go;
    a changed reaction count is a public change like any other (live readers, the cached
    thread list)."""
    counted = Contribution.objects.filter(pk__in=contribution_ids).annotate(
        supports=Count("reactions", filter=Q(reactions__kind=ReactionKind.SUPPORT), distinct=True),
        disagreements=Count("reactions", filter=Q(reactions__kind=ReactionKind.DISAGREE), distinct=True),
        open_flags=Count("flags_raised", filter=Q(flags_raised__resolved_at__isnull=True), distinct=True),
    )
    for contribution in counted:
        reactions = (contribution.support_count, contribution.disagree_count)
        contribution.support_count = contribution.supports
        contribution.disagree_count = contribution.disagreements
        contribution.flag_count = contribution.open_flags
        contribution.save(update_fields=["support_count", "disagree_count", "flag_count"])
        if reactions != (contribution.support_count, contribution.disagree_count):
            events.contribution_changed(contribution, "reacted")


@transaction.atomic
def author_anonymise(*, user, former_name: str) -> int:
    """A participant deletes their account: their reactions, reports and follows go, and
    their contributions stay in the public record signed ``former_name``, with nothing
    left that points to them. Returns how many contributions were anonymised."""
    touched = set(Reaction.objects.filter(user=user).values_list("contribution_id", flat=True))
    touched |= set(Flag.objects.filter(user=user).values_list("contribution_id", flat=True))
    Reaction.objects.filter(user=user).delete()
    Flag.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    _recount(touched)
    contributions = list(Contribution.objects.filter(user=user))
    anonymous = {**ANONYMOUS_AUTHOR, "user_name": former_name[:50], "author_display_name": former_name}
    for contribution in contributions:
        for field, value in anonymous.items():
            setattr(contribution, field, value)
        contribution.save(update_fields=list(anonymous))
        events.contribution_changed(contribution, "anonymised")
    return len(contributions)
