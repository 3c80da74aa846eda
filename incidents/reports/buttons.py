"""The buttons of each report step and of the review, as the core's actions (a channel
adapter shows them its own way), and the labels a reporter may type instead of pressing."""

from __future__ import annotations

from incidents.actions import Button, Buttons, CancelReport, Choose, ConfirmReport, EditField
from incidents.provinces import ProvinceData
from incidents.reports.draft import EDITABLE, DraftData
from incidents.reports.steps import BACK_TO_REVIEW, OFFSETS_MINUTES
from incidents.text import drill as drill_text
from incidents.text import report as t
from storage.models import Category, ReportStep, Urgency


def _rows(buttons: list[Button], width: int) -> list[tuple[Button, ...]]:
    return [tuple(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def step_buttons(
    step: ReportStep, token: str, data: DraftData, province: ProvinceData, own_district: str | None
) -> Buttons:
    """The buttons for a step (none for free-text steps, nor for the location, which a
    channel asks for its own way)."""

    def choice(label: str, value: str) -> Button:
        return Button(label=label, action=Choose(token=token, step=step, value=value))

    rows: list[tuple[Button, ...]] = []
    match step:
        case ReportStep.DRILL:
            rows = [
                (choice(drill_text.BUTTON_DRILL, "drill"),),
                (choice(drill_text.BUTTON_REAL, "real"),),
            ]
        case ReportStep.CATEGORY:
            rows = _rows([choice(t.CATEGORY_LABELS[c], c.value) for c in Category], 2)
        case ReportStep.URGENCY:
            rows = [
                (choice(f"{t.URGENCY_ICONS[u]} {t.URGENCY_LABELS[u]}", u.value),) for u in Urgency
            ]
        case ReportStep.DDPM_LEVEL:
            levels = [choice(label, str(n)) for n, label in t.DDPM_LABELS.items()]
            rows = [*_rows(levels, 2), (choice(t.BUTTON_UNKNOWN, "unknown"),)]
        case ReportStep.DISTRICT:
            districts = sorted(province.districts, key=lambda d: d.code != own_district)
            rows = _rows([choice(d.name_th, d.code) for d in districts], 3)
        case ReportStep.LOCATION:
            return ()
        case ReportStep.LOCATION_CONFIRM:
            rows = [
                (choice(t.BUTTON_USE_LOCATION, "use"),),
                (choice(t.BUTTON_RETRY_LOCATION, "retry"),),
                (choice(t.BUTTON_SKIP, "skip"),),
            ]
        case ReportStep.OCCURRED_AT:
            offsets = [choice(t.OFFSET_LABELS[m], str(m)) for m in OFFSETS_MINUTES]
            rows = [(choice(t.BUTTON_NOW, "now"),), *_rows(offsets, 2)]
        case ReportStep.IMPACT:
            rows = [
                (choice(t.BUTTON_IMPACT_NONE, "none"),),
                (choice(t.BUTTON_IMPACT_UNKNOWN, "unknown"),),
            ]
        case ReportStep.DAMAGE:
            rows = [(choice(t.BUTTON_SKIP, "skip"),)]
        case ReportStep.ATTACHMENTS:
            rows = [(choice(t.BUTTON_DONE, "done"),)]
        case _:
            rows = []
    if data.next_step() is ReportStep.REVIEW:
        # Changing one field from the review: offer the way back without changing it.
        rows.append((choice(t.BUTTON_BACK_TO_REVIEW, BACK_TO_REVIEW),))
    return tuple(rows)


def review_buttons(token: str, data: DraftData) -> Buttons:
    """Edit buttons for every field, then confirm and cancel."""
    fields = [step for step in EDITABLE if step is not ReportStep.DDPM_LEVEL or data.applies_ddpm]
    edits = [
        Button(label=t.BUTTON_EDIT + t.STEP_NAMES[f], action=EditField(token=token, step=f))
        for f in fields
    ]
    return (
        *_rows(edits, 2),
        (Button(label=t.BUTTON_CONFIRM, action=ConfirmReport(token=token)),),
        (Button(label=t.BUTTON_CANCEL, action=CancelReport(token=token)),),
    )


def labels_for(step: ReportStep, province: ProvinceData) -> dict[str, str]:
    """Button labels a reporter might type instead of pressing, by choice key."""
    match step:
        case ReportStep.DRILL:
            return {"drill": drill_text.BUTTON_DRILL, "real": drill_text.BUTTON_REAL}
        case ReportStep.CATEGORY:
            return {c.value: t.CATEGORY_LABELS[c] for c in Category}
        case ReportStep.URGENCY:
            return {u.value: t.URGENCY_LABELS[u] for u in Urgency}
        case ReportStep.DISTRICT:
            return {d.code: d.name_th for d in province.districts}
        case ReportStep.LOCATION:
            return {"skip": t.BUTTON_SKIP}
        case ReportStep.DAMAGE:
            return {"skip": t.BUTTON_SKIP}
        case _:
            return {}
