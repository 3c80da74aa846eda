"""What a delivery looks like when it goes out, read from the database at that moment.

Rendering at send time means an alert sent late, or an edit, always shows the latest state
(who acknowledged), and a burst of edits collapses into one. The result is chat-neutral:
a channel's sender turns it into its calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.actions import (
    AlertAction,
    AlertVerb,
    Button,
    Buttons,
    LinkIncidents,
    ReplyKeyboard,
)
from incidents.outbox import params as outbox_params
from incidents.outbox.card import AlertCard, alert_card
from incidents.outbox.params import DeliveryParams
from incidents.outbox.webhook import WebhookCall, webhook_call
from incidents.photolinks import PhotoLinks
from incidents.related.hints import RelatedHint, hints_of
from incidents.text import alert as t
from incidents.text import drill as drill_text
from incidents.text import related as related_text
from incidents.text.fitting import (
    TELEGRAM_CAPTION_LIMIT,
    TELEGRAM_TEXT_LIMIT,
    fit_rich,
    measure,
    shorten,
)
from incidents.text.rich import Text
from storage.models import (
    AlertRecipient,
    Attachment,
    AttachmentKind,
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Incident,
    RecipientRole,
)


class Method(StrEnum):
    """The kinds of Bot API call a delivery turns into."""

    TEXT = "text"
    EDIT_TEXT = "edit_text"
    LOCATION = "location"
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    VIDEO = "video"
    AUDIO = "audio"
    WEBHOOK = "webhook"  # not a Bot API call: an HTTPS POST to a subscribing system


@dataclass(slots=True)
class Rendered:
    """One Bot API call's content."""

    method: Method
    text: Text = field(default_factory=Text)
    buttons: Buttons = ()
    keyboard: ReplyKeyboard = ReplyKeyboard.NONE
    latitude: float | None = None
    longitude: float | None = None
    file_id: str | None = None
    # The alert as a card, for a channel that draws one (LINE's Flex), and the words put
    # above it (an escalation's); `text` holds both for a channel that shows text (Telegram).
    card: AlertCard | None = None
    card_intro: Text = field(default_factory=Text)
    # An event for a subscribing system (Method.WEBHOOK).
    webhook: WebhookCall | None = None


def _alert_button(label: str, incident_id: int, verb: AlertVerb) -> Button:
    return Button(label=label, action=AlertAction(incident_id=incident_id, verb=verb))


def link_buttons(incident_id: int, related: tuple[RelatedHint, ...]) -> tuple[Button, ...]:
    """One button for each related incident not linked yet."""
    return tuple(
        Button(
            label=related_text.link_button(hint.reference),
            action=LinkIncidents(incident_id=incident_id, other_id=hint.incident_id),
        )
        for hint in related
        if not hint.linked
    )


_ATTACHMENT_METHODS = {
    AttachmentKind.PHOTO: Method.PHOTO,
    AttachmentKind.DOCUMENT: Method.DOCUMENT,
    AttachmentKind.VOICE: Method.VOICE,
    AttachmentKind.VIDEO: Method.VIDEO,
    AttachmentKind.AUDIO: Method.AUDIO,
}


def _message(params: DeliveryParams) -> Rendered:
    """A fixed message: text with optional buttons, or a location pin."""
    if params.location is not None:
        latitude, longitude = params.location
        return Rendered(Method.LOCATION, latitude=float(latitude), longitude=float(longitude))
    # News may be as long as the reporter's own message, and comes after a heading.
    text = fit_rich(params.text, TELEGRAM_TEXT_LIMIT, t.MORE_ON_WEB)
    return Rendered(Method.TEXT, text=text, buttons=params.buttons, keyboard=params.keyboard)


class Renderer:
    """Renders deliveries for one deployment (time zone, public web address)."""

    def __init__(
        self, tz: tzinfo, public_base_url: str = "", *, photos: PhotoLinks | None = None
    ) -> None:
        self.tz = tz
        self.public_base_url = public_base_url.rstrip("/")
        self.photos = photos  # the signed addresses of photos a card shows

    async def render(self, session: AsyncSession, delivery: Delivery) -> Rendered | None:
        """The call for a delivery, or None when there is nothing to send any more. Every text
        about a drill's incident leads with the drill mark (the alert puts it in itself)."""
        rendered = await self._render(session, delivery)
        if (
            rendered is not None
            and rendered.method in (Method.TEXT, Method.EDIT_TEXT)
            and delivery.incident_id is not None
            and delivery.kind not in (DeliveryKind.ALERT, DeliveryKind.ALERT_EDIT)
        ):
            incident = await session.get_one(Incident, delivery.incident_id)
            if incident.drill_id is not None:
                rendered.text = Text(drill_text.MARK, "\n", rendered.text)
        return rendered

    async def _render(self, session: AsyncSession, delivery: Delivery) -> Rendered | None:
        match delivery.kind:
            case DeliveryKind.ALERT | DeliveryKind.ALERT_EDIT:
                return await self._alert(session, delivery)
            case DeliveryKind.PROGRESS | DeliveryKind.PROGRESS_EDIT:
                return await self._progress(session, delivery)
            case DeliveryKind.LOCATION:
                incident = await session.get_one(Incident, delivery.incident_id)
                if incident.latitude is None or incident.longitude is None:
                    return None
                return Rendered(
                    Method.LOCATION, latitude=incident.latitude, longitude=incident.longitude
                )
            case DeliveryKind.ATTACHMENT:
                attachment_id = outbox_params.read(delivery).attachment_id
                attachment = await session.get_one(Attachment, attachment_id)
                return Rendered(
                    _ATTACHMENT_METHODS[attachment.kind],
                    text=Text(shorten(attachment.caption, TELEGRAM_CAPTION_LIMIT)),
                    file_id=attachment.telegram_file_id,
                )
            case DeliveryKind.REMINDER:
                return await self._reminder(session, delivery)
            case DeliveryKind.MESSAGE:
                return _message(outbox_params.read(delivery))
            case DeliveryKind.WEBHOOK:
                call = await webhook_call(session, delivery)
                return Rendered(Method.WEBHOOK, webhook=call) if call is not None else None
        return None

    async def _reminder(self, session: AsyncSession, delivery: Delivery) -> Rendered | None:
        """A reminder with the acknowledge button; nothing once someone has acknowledged."""
        incident = await session.get_one(Incident, delivery.incident_id)
        if incident.acknowledged_at is not None:
            return None
        params = outbox_params.read(delivery)
        text = t.reminder(incident, params.minutes, params.reminder_round)
        ack = (_alert_button(t.BUTTON_ACK, incident.id, AlertVerb.ACKNOWLEDGE),)
        return Rendered(Method.TEXT, text=text, buttons=(ack,))

    async def _alert(self, session: AsyncSession, delivery: Delivery) -> Rendered:
        incident = await session.get_one(Incident, delivery.incident_id)
        target = delivery
        if delivery.kind is DeliveryKind.ALERT_EDIT and delivery.edit_of_id is not None:
            target = await session.get_one(Delivery, delivery.edit_of_id)
        edit = delivery.kind is DeliveryKind.ALERT_EDIT
        card = delivery.channel is not Channel.TELEGRAM
        # Whether the incidents it names were linked since is read now.
        related = await hints_of(session, incident.id)
        intro = outbox_params.read(target).intro
        return self.alert(incident, intro, edit=edit, card=card, related=related)

    def fresh(self, delivery: Delivery) -> Rendered:
        """A delivery its own just-committed transaction wrote, from the objects it holds
        (nothing to load): an alert, or a fixed message such as a reply to a person."""
        if delivery.kind is DeliveryKind.MESSAGE:
            return _message(outbox_params.read(delivery))
        return self.fresh_alert(delivery)

    def fresh_alert(self, delivery: Delivery) -> Rendered:
        """A just-filed alert from the objects its transaction wrote (nothing to load)."""
        assert delivery.incident is not None
        card = delivery.channel is not Channel.TELEGRAM
        params = outbox_params.read(delivery)
        return self.alert(
            delivery.incident, params.intro, edit=False, card=card, related=params.related
        )

    def alert(
        self,
        incident: Incident,
        intro: Text,
        *,
        edit: bool,
        card: bool = False,
        related: tuple[RelatedHint, ...] = (),
    ) -> Rendered:
        """The alert as it stands: status line, buttons, the related incidents it may be a
        second report of, and the intro of an escalation; with `card`, also as a card (for a
        channel that draws one)."""
        if incident.acknowledged_at is not None and incident.acknowledged_by is not None:
            status = t.acknowledged_line(
                incident.acknowledged_by.name,
                incident.acknowledged_by.position,
                incident.acknowledged_at,
                self.tz,
            )
        else:
            status = t.WAITING
        photos = sum(1 for a in incident.attachments if a.kind is AttachmentKind.PHOTO)
        extra = t.attachments_line(
            photos, len(incident.attachments) - photos, incident.latitude is not None
        )
        words_above = intro  # the card carries the drill mark itself
        if incident.drill_id is not None:
            intro = Text(drill_text.MARK, "\n", intro) if intro else Text(drill_text.MARK)
        limit = TELEGRAM_TEXT_LIMIT - (measure(intro.plain()) + 2 if intro else 0)
        hint = related_text.hint_line(related)
        text = t.alert(incident, self.tz, status, extra, limit, related=hint)
        if intro:
            text = Text(intro, "\n\n", text)
        buttons: list[tuple[Button, ...]] = []
        if incident.acknowledged_at is None:
            buttons.append((_alert_button(t.BUTTON_ACK, incident.id, AlertVerb.ACKNOWLEDGE),))
        buttons.append(
            (
                _alert_button(t.BUTTON_INSTRUCT, incident.id, AlertVerb.INSTRUCT),
                _alert_button(t.BUTTON_REQUEST_INFO, incident.id, AlertVerb.REQUEST_INFO),
            )
        )
        links = link_buttons(incident.id, related)
        buttons.extend((button,) for button in links)
        if self.public_base_url:
            url = f"{self.public_base_url}/incidents/{incident.reference}"
            buttons.append((Button(label=t.BUTTON_OPEN_WEB, url=url),))
        method = Method.EDIT_TEXT if edit else Method.TEXT
        rendered = Rendered(method, text=text, buttons=tuple(buttons))
        if card:
            shown = self.photos.card_urls(incident.attachments) if self.photos else ()
            rendered.card = alert_card(
                incident, self.tz, self.public_base_url, shown, related=hint, links=links
            )
            rendered.card_intro = words_above
        return rendered

    async def _progress(self, session: AsyncSession, delivery: Delivery) -> Rendered:
        incident = await session.get_one(Incident, delivery.incident_id)
        statuses = (
            await session.scalars(
                select(Delivery.status)
                .join(AlertRecipient, AlertRecipient.alert_delivery_id == Delivery.id)
                .where(
                    AlertRecipient.incident_id == incident.id,
                    AlertRecipient.role == RecipientRole.EXECUTIVE,
                )
            )
        ).all()
        acknowledged = None
        if incident.acknowledged_at is not None and incident.acknowledged_by is not None:
            acknowledged = t.acknowledged_line(
                incident.acknowledged_by.name,
                incident.acknowledged_by.position,
                incident.acknowledged_at,
                self.tz,
            )
        text = t.progress(
            incident.reference,
            reached=sum(1 for s in statuses if s is DeliveryStatus.SENT),
            total=len(statuses),
            unreachable=sum(1 for s in statuses if s is DeliveryStatus.FAILED),
            acknowledged=acknowledged,
        )
        method = Method.EDIT_TEXT if delivery.kind is DeliveryKind.PROGRESS_EDIT else Method.TEXT
        return Rendered(method, text=text)
