"""The family preparedness plan: a worksheet session 09 starts in the room and families finish at home.

It is built to be safe if seized: it asks for who to call and who cares for whom, names places
rather than listing documents, and says on its face what never to write on it. The workshop's
legal contacts print where they are known; everything else is lines to fill in by hand."""

from __future__ import annotations

from .content import Content
from .exporters.context import build_date
from .i18n import _, language
from .render import environment

SCRIPTS = ("dont-sign", "remain-silent")  # what every adult in the family practises, word for word
CONTACTS = ("legal_hotline", "lawyer")  # the workshop's contacts this plan prints


def never_write() -> list[str]:
    return [
        _("anyone's immigration status, or how or when they came to the country"),
        _("A-numbers or document numbers: write where the documents are kept instead"),
        _("where someone without papers lives or works, if that is not this home"),
    ]


def plan_sections() -> list[dict]:
    """Each part of the plan: rows to fill in (a label and a line, or a person and a phone)."""
    return [
        {"title": _("Children"), "kind": "people",
         "help": _("[STATE] Ask which form your state uses for a caregiver (an authorization affidavit, a power of attorney, a guardianship) and get help filling it in. It does not give up your rights as a parent."),
         "rows": [_("Picks up the children from school or care"), _("Cares for them if we are detained"), _("Backup caregiver"),
                  _("Schools and caregivers who have the pick-up authorization")]},
        {"title": _("Health"), "kind": "lines",
         "rows": [_("Medicines and doses, for each person"), _("Doctors and clinics"), _("Allergies and other needs")]},
        {"title": _("Documents"), "kind": "lines",
         "help": _("Keep originals at home or with a trusted person, never carried. Give copies to the lawyer or the caregiver."),
         "rows": [_("Where birth certificates, passports and immigration papers are kept"),
                  _("Who else knows where they are, and has a key"), _("Proof of time lived here (leases, pay stubs, school records): where")]},
        {"title": _("Money and home"), "kind": "lines",
         "rows": [_("Who can reach the money for rent, bills and a bond"), _("Rent, bills and debts due each month"),
                  _("Pets, car, work: who takes care of them")]},
    ]


def render_family_plan(content: Content, plan=None, paper: str = "letter") -> str:
    """The worksheet as a self-contained page (Letter or A4), escaped everywhere: contacts come
    from the workshop file, which anyone may edit."""
    from .workshop import CONTACT_LABELS

    contacts = dict(plan.contacts) if plan is not None else {}
    known = [{"label": _(CONTACT_LABELS[key]), "value": (contacts.get(key) or "").strip()} for key in CONTACTS if key in CONTACT_LABELS]
    extra = [_("Immigration lawyer"), _("Rapid-response line"), _("Consulate (only if safe for us)")]
    return environment().get_template("family_plan.html.j2").render(
        content=content, paper=paper, language=language(),
        title=_("Family preparedness plan"),
        contacts=known + [{"label": label, "value": ""} for label in extra],
        never=never_write(), sections=plan_sections(),
        scripts=[content.scripts[s] for s in SCRIPTS if s in content.scripts],
        disclaimer=content.disclaimer, build_date=build_date(),
    )
