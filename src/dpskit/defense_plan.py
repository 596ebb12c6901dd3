"""The chapter defense plan: a worksheet session 08 fills in and the pack prints.

The workshop's contacts print where they are known and as lines to fill in where they are not;
the rest of the plan is blanks for roles the chapter agrees, around the scripts from
data/scripts.yaml, so the words match the sessions and the pocket card."""

from __future__ import annotations

from .content import Content
from .exporters.context import build_date
from .i18n import _, language
from .render import environment

SCRIPTS = ("hotline-report", "chapter-statement")  # printed word for word when the curriculum has them


def plan_sections() -> list[dict]:
    """The plan's parts in the order a chapter fills them in: rows are roles with a person and a backup."""
    return [
        {"title": _("If agents come, or someone is arrested"),
         "help": _("Write first names or roles the chapter agreed, never anyone's activities. Every role has a backup."),
         "rows": [_("Calls the legal hotline"), _("Starts the phone tree"), _("Jail support lead"),
                  _("Keeps the arrest-support list (on paper, shared only with the legal team)"), _("Court support"),
                  _("Families, children, pets, work"), _("Money: bail fund and legal costs")]},
        {"title": _("Who speaks for the chapter"),
         "help": _("Spokespeople check any statement with the lawyer. Everyone else says: \"Please talk to our spokesperson.\""),
         "rows": [_("Spokesperson"), _("Second spokesperson")]},
    ]


def agreements() -> list[str]:
    return [
        _("Nobody talks to agents without a lawyer; the lawyer calls them back."),
        _("After a visit, a subpoena or a raid, nobody deletes anything; we call the lawyer."),
        _("Sensitive plans are shared only with those who need them."),
        _("We never accuse anyone publicly of being an informant; concerns go to a small trusted group and a lawyer."),
        _("Anyone who is doxxed or targeted gets a buddy and daily check-ins."),
    ]


def render_defense_plan(content: Content, plan=None, paper: str = "letter") -> str:
    """The worksheet as one self-contained page (Letter or A4), escaped everywhere: contacts
    come from the workshop file, which anyone may edit."""
    from .workshop import CONTACT_LABELS

    contacts = dict(plan.contacts) if plan is not None else {}
    known = [{"label": _(label), "value": (contacts.get(key) or "").strip()} for key, label in CONTACT_LABELS.items()]
    extra = [_("Immigration lawyer"), _("Community bail fund"), _("Where we request legal observers and a jail hotline")]
    return environment().get_template("defense_plan.html.j2").render(
        content=content, paper=paper, language=language(),
        title=_("Chapter defense plan"),
        chapter=(getattr(plan, "chapter", "") or "").strip() if plan is not None else "",
        contacts=known + [{"label": label, "value": ""} for label in extra],
        sections=plan_sections(), agreements=agreements(),
        scripts=[content.scripts[s] for s in SCRIPTS if s in content.scripts],
        disclaimer=content.disclaimer, build_date=build_date(),
    )
