"""Writes on proposals: proposing, supporting, evaluating, merging, hiding.

Each function asks :mod:`budgets.rules`, stores, logs staff actions in Wagtail's log,
and sends ``proposal_changed`` in its transaction (receivers index and mail after the
commit).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from core import markup
from discussions import live
from discussions.errors import NotAllowed, NotFound, Refused, TooManyPosts
from discussions.services import author_snapshot, follow_set

from .. import rules, signals
from ..models import BudgetProcessPage, Phase, Proposal, ProposalDocument, ProposalImage, Support, Viability
from ..money import soles

TITLE_MAX_LENGTH = 160
MAX_IMAGES = 4
MAX_DOCUMENTS = 3
#: The same title from the same person this recently is the same proposal sent twice.
RESUBMISSION_WINDOW = timedelta(minutes=10)
UPLOADS_COLLECTION = "Presupuesto participativo"
CUI_LENGTH = 7


def _changed(proposal: Proposal, action: str, *, notify: bool = True) -> None:
    signals.proposal_changed.send(sender=Proposal, proposal=proposal, action=action, notify=notify)


def _raise(refusal: Refused | None) -> None:
    if refusal is not None:
        raise refusal


def _clean_line(text: str, *, limit: int, missing: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise Refused(missing)
    if len(text) > limit:
        raise Refused(
            _("This text is limited to %(limit)d characters; it has %(count)d.") % {"limit": limit, "count": len(text)}
        )
    return text


def _clean_text(text: str, *, limit: int, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(missing)
    if len(text) > limit:
        raise Refused(
            _("This text is limited to %(limit)d characters; it has %(count)d.") % {"limit": limit, "count": len(text)}
        )
    return text


def uploads_collection() -> Collection:
    """Where participants' photos and documents go (editors may move them)."""
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=UPLOADS_COLLECTION).first()
    return found or root.add_child(name=UPLOADS_COLLECTION)


def _check_envelope(process: BudgetProcessPage, territory, cost: int):
    envelope = process.envelope_for(territory)
    if envelope is None:
        if territory is None:
            raise Refused(_("This edition has no region-wide envelope: choose the province of the project."))
        raise Refused(_("This edition has no envelope for %(province)s.") % {"province": territory.name})
    if cost <= 0:
        raise Refused(_("Give the estimated cost in soles."))
    if cost > envelope.amount:
        raise Refused(
            _("The estimated cost (%(cost)s) is more than the whole envelope of %(place)s (%(amount)s).")
            % {"cost": soles(cost), "place": envelope.name, "amount": soles(envelope.amount)}
        )
    return envelope


def _check_repeats(process: BudgetProcessPage, author, title: str, moment: datetime) -> Proposal | None:
    recent = Proposal.objects.filter(process=process, author=author)
    earlier = recent.filter(created_at__gt=moment - RESUBMISSION_WINDOW, title__iexact=title).first()
    if earlier is not None:
        earlier.resubmitted = True
        return earlier
    today = recent.filter(created_at__gt=moment - timedelta(days=1)).count()
    if today >= settings.BUDGETS_PROPOSALS_PER_DAY:
        raise TooManyPosts(
            _("You have made %(count)d proposals in the last day. Support or improve one of them, or wait a while.")
            % {"count": today}
        )
    return None


@transaction.atomic
def proposal_create(
    *,
    process: BudgetProcessPage,
    author,
    title: str,
    problem: str,
    description: str,
    territory,
    category,
    beneficiaries: int,
    estimated_cost: int,
    district: str = "",
    beneficiaries_description: str = "",
    on_behalf_of_organisation: bool = False,
    images: Sequence = (),
    documents: Sequence = (),
    moment: datetime | None = None,
    session=None,
) -> Proposal:
    """A participant proposes a project; they follow its discussion.

    ``images`` and ``documents`` are uploaded files the form has validated. The same
    proposal sent twice (a double click) is stored once: the second call returns the
    first, marked ``resubmitted``.
    """
    moment = moment or timezone.now()
    _raise(rules.proposal_refusal(process, author, moment, session))
    title = _clean_line(title, limit=TITLE_MAX_LENGTH, missing=_("Give the proposal a title."))
    problem = _clean_text(problem, limit=2000, missing=_("Say which problem the project solves."))
    description = _clean_text(description, limit=6000, missing=_("Describe the project."))
    categories = list(process.categories.all())
    if category is None or (categories and category not in categories):
        raise Refused(_("Choose one of this edition's categories."))
    if not beneficiaries or beneficiaries <= 0:
        raise Refused(_("Say how many people would benefit."))
    _check_envelope(process, territory, estimated_cost)
    if len(images) > MAX_IMAGES or len(documents) > MAX_DOCUMENTS:
        raise Refused(
            _("A proposal takes up to %(images)d photos and %(documents)d documents.")
            % {"images": MAX_IMAGES, "documents": MAX_DOCUMENTS}
        )
    earlier = _check_repeats(process, author, title, moment)
    if earlier is not None:
        return earlier

    snapshot = author_snapshot(author)
    organisation = author.participant.organisation
    speaks_for = on_behalf_of_organisation and organisation is not None and organisation.verified
    proposal = Proposal.objects.create(
        process=process,
        territory=territory,
        district=" ".join((district or "").split())[:120],
        category=category,
        title=title,
        problem=problem,
        description=description,
        description_html=markup.render_markdown(description),
        beneficiaries=beneficiaries,
        beneficiaries_description=" ".join((beneficiaries_description or "").split())[:255],
        estimated_cost=estimated_cost,
        author=author,
        author_display_name=snapshot["author_display_name"],
        author_sector=snapshot["author_sector"],
        author_organisation=organisation.name if speaks_for else "",
        author_territory_id=snapshot["author_territory_id"],
        created_at=moment,
    )
    _attach_files(proposal, author, images, documents)
    follow_set(user=author, target=proposal, following=True, session=session)
    _changed(proposal, "created")
    return proposal


def _attach_files(proposal: Proposal, author, images: Sequence, documents: Sequence) -> None:
    collection = uploads_collection()
    image_model, document_model = get_image_model(), get_document_model()
    for position, upload in enumerate(images, start=1):
        image = image_model(
            title=f"{proposal.title} ({position})"[:255], file=upload, collection=collection, uploaded_by_user=author
        )
        image._set_image_file_metadata()
        image.save()
        ProposalImage.objects.create(proposal=proposal, image=image)
    for upload in documents:
        document = document_model(title=upload.name[:255], file=upload, collection=collection, uploaded_by_user=author)
        document._set_document_file_metadata()
        document.save()
        ProposalDocument.objects.create(proposal=proposal, document=document)


def _recount_supports(proposal: Proposal) -> None:
    proposal.support_count = proposal.supports.count()
    proposal.save(update_fields=["support_count"])


@transaction.atomic
def proposal_support(
    *, proposal: Proposal, user, supporting: bool, moment: datetime | None = None, session=None
) -> Proposal:
    """Support a proposal (once), or take the support back, during the proposal phase."""
    _raise(rules.support_refusal(proposal, user, moment, session))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if supporting:
        Support.objects.get_or_create(proposal=proposal, user=user)
    else:
        Support.objects.filter(proposal=proposal, user=user).delete()
    _recount_supports(proposal)
    _changed(proposal, "supported")
    return proposal


@transaction.atomic
def proposal_evaluate(
    *,
    proposal: Proposal,
    evaluator,
    viability: str,
    reason: str,
    evaluated_cost: int | None = None,
    cui: str = "",
    moment: datetime | None = None,
    notify: bool = True,
) -> Proposal:
    """The technical team's verdict, with its public reason; the author is told by mail
    (unless ``notify`` is off: demonstration content).

    Allowed until voting opens: the ballot's candidates do not change under voters' feet.
    """
    if not rules.can_evaluate(evaluator):
        raise NotAllowed(_("Only the technical team can evaluate proposals."))
    process = proposal.process
    if process.phase_at(moment) not in (Phase.UPCOMING, Phase.PROPOSALS, Phase.EVALUATION):
        raise NotAllowed(_("Voting has opened: evaluations can no longer change."))
    if proposal.is_merged:
        raise Refused(_("This proposal was merged into another one: evaluate that one."))
    if viability not in (Viability.VIABLE, Viability.NOT_VIABLE):
        raise Refused(_("Choose viable or not viable."))
    reason = _clean_text(reason, limit=4000, missing=_("Give the reason: it is published with the proposal."))
    cui = (cui or "").strip()
    if cui and not (cui.isdigit() and len(cui) == CUI_LENGTH):
        raise Refused(_("The Invierte.pe CUI has exactly 7 digits."))
    if viability == Viability.VIABLE:
        if not evaluated_cost:
            raise Refused(_("A viable proposal needs its evaluated cost."))
        _check_envelope(process, proposal.territory, evaluated_cost)
    proposal.viability = viability
    proposal.evaluation_reason = reason
    proposal.evaluated_cost = evaluated_cost or None
    proposal.cui = cui
    proposal.evaluated_at = moment or timezone.now()
    proposal.evaluated_by = evaluator
    proposal.save()
    log(
        instance=proposal,
        action="budgets.evaluate",
        user=evaluator,
        data={"viability": viability, "evaluated_cost": evaluated_cost, "cui": cui, "reason": reason},
    )
    _changed(proposal, "evaluated", notify=notify)
    return proposal


@transaction.atomic
def proposal_merge(*, source: Proposal, target: Proposal, manager, reason: str = "") -> Proposal:
    """Merge a duplicate into another proposal. Both stay, with their discussions; the
    duplicate points to the other and takes no more comments or supports, and the other
    counts everyone who supported either, once."""
    if not rules.can_manage(manager):
        raise NotAllowed(_("Only the planning office can merge proposals."))
    if source.pk == target.pk or source.process_id != target.process_id:
        raise Refused(_("Choose another proposal of the same edition."))
    if source.is_merged or target.is_merged:
        raise Refused(_("A merged proposal cannot be merged again: choose the proposal it was merged into."))
    if target.hidden:
        raise Refused(_("The proposal to merge into is hidden."))
    if source.process.phase_at() not in (Phase.UPCOMING, Phase.PROPOSALS, Phase.EVALUATION):
        raise NotAllowed(_("Voting has opened: proposals can no longer be merged."))
    source = Proposal.objects.select_for_update().get(pk=source.pk)
    target = Proposal.objects.select_for_update().get(pk=target.pk)
    already = set(target.supports.values_list("user_id", flat=True))
    Support.objects.bulk_create(
        [
            Support(proposal=target, user_id=user_id, created_at=created_at, via=source)
            for user_id, created_at in source.supports.values_list("user_id", "created_at")
            if user_id not in already
        ]
    )
    _recount_supports(target)
    source.merged_into, source.merged_at = target, timezone.now()
    source.save(update_fields=["merged_into", "merged_at"])
    data = {"source": source.pk, "target": target.pk, "reason": (reason or "").strip()}
    log(instance=source, action="budgets.merge", user=manager, data=data)
    log(instance=target, action="budgets.merge", user=manager, data=data)
    content_type = ContentType.objects.get_for_model(Proposal)
    live.record_event(content_type.pk, source.pk, "discussion.closed")
    _changed(source, "merged")
    _changed(target, "supported")
    return source


@transaction.atomic
def proposal_hide(*, proposal: Proposal, manager, hidden: bool, reason: str = "") -> Proposal:
    """Hide a proposal from the public (with a reason kept in its history), or show it again."""
    if not rules.can_manage(manager):
        raise NotAllowed(_("Only the planning office can hide proposals."))
    reason = (reason or "").strip()
    if hidden and not reason:
        raise Refused(_("Say why the proposal is hidden: the reason is kept in its history."))
    if hidden and proposal.merged_from.exists():
        raise Refused(_("Other proposals were merged into this one: it cannot be hidden."))
    proposal.hidden, proposal.hidden_reason = hidden, reason if hidden else ""
    proposal.save(update_fields=["hidden", "hidden_reason"])
    log(instance=proposal, action="budgets.hide" if hidden else "budgets.show", user=manager, data={"reason": reason})
    if hidden:
        content_type = ContentType.objects.get_for_model(Proposal)
        live.record_event(content_type.pk, proposal.pk, "discussion.closed")
    _changed(proposal, "hidden" if hidden else "shown")
    return proposal


def proposal_or_404(process: BudgetProcessPage, pk: int, user, session=None) -> Proposal:
    """A proposal of this edition that ``user`` may see, or NotFound (naming nothing)."""
    proposal = (
        Proposal.objects.select_related("category", "territory", "merged_into", "process")
        .filter(process=process, pk=pk)
        .first()
    )
    if proposal is None or not (proposal.is_visible_to(user, session) or rules.can_manage(user)):
        raise NotFound(_("This page does not exist."))
    return proposal


def proposals_anonymise(*, user, former_name: str) -> int:
    """The proposals of a participant who leaves stay, with nothing left that points to them."""
    proposals = list(Proposal.objects.filter(author=user))
    for proposal in proposals:
        proposal.author, proposal.author_display_name = None, former_name
        proposal.author_organisation, proposal.author_territory = "", None
        proposal.save(update_fields=["author", "author_display_name", "author_organisation", "author_territory"])
        _changed(proposal, "anonymised")
    return len(proposals)
