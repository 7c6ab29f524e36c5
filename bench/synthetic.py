"""Synthetic governed documents for the benchmark: valid front matter that passes every
check, and about 1,200 words of policy-like prose with headings, paragraphs, lists, a
table, admonitions, {{ home... }} macros and relative links to other documents.

Document number i is the same whatever the size of the handbook (its random generator is
seeded with i, and it links only to documents before it), so a policy page can be
compared across sizes: any growth comes from the site around it, not from its text.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

TOPICS = [
    "Medicines", "Fire safety", "Food and nutrition", "Health care", "Education support", "Contact with family",
    "Use of the internet", "Mobile phones", "Pocket money", "Searching a child's room", "Physical intervention",
    "Sanctions and consequences", "Child sexual exploitation", "Child criminal exploitation", "Radicalisation",
    "Self-harm", "Substance misuse", "Sleep and bedtimes", "Privacy and dignity", "Personal care",
    "Transport and driving", "Outings and activities", "Overnight stays with friends", "Holidays away",
    "Admissions", "Leaving care", "Moving on", "Key working", "Advocacy", "Independent visitors",
    "Equality and diversity", "Religion and culture", "Language needs", "Disability and additional needs",
    "Mental health", "Therapeutic care", "Recording and case files", "Confidentiality", "Data protection",
    "Whistleblowing", "Staff supervision", "Staff training", "Safer recruitment", "Agency staff",
    "Lone working", "Night waking staff", "Visitors to the home", "Surveillance and CCTV", "Health and safety",
    "Infection control", "First aid", "Accidents and incidents", "Notifications to Ofsted", "Allegations",
    "Bullying online", "Anti-discrimination", "Children's meetings", "Care planning", "Placement planning",
    "Risk assessment",
]
CONTEXTS = [
    "", "for night staff", "in the community", "during school holidays", "for new staff", "at weekends",
    "on outings", "for agency staff", "with partner agencies", "in an emergency", "for younger children",
    "for older children", "when a child arrives", "when a child leaves", "with parents and carers",
    "with social workers", "with the police", "with schools", "with health services", "for shift leaders",
    "for managers", "for key workers", "for volunteers", "during building work", "at handover",
    "in bad weather", "when staffing is short", "out of hours", "for short breaks", "on transport",
    "in the garden", "in shared spaces", "in bedrooms", "online", "on the phone", "by email",
    "for records", "for reviews", "for audits", "for training days",
]
SUBJECTS = ["Staff on shift", "The shift leader", "The key worker", "The Registered Manager", "The Deputy Manager",
            "The Designated Safeguarding Lead", "The Therapeutic Lead", "The on-call manager", "Every member of staff",
            "The Responsible Individual", "The night worker", "An agency worker", "Each team member", "A trained first-aider"]
ACTIONS = ["records", "checks", "reviews", "explains", "agrees", "shares", "writes down", "talks through", "plans",
           "updates", "signs", "reports", "monitors", "discusses", "confirms", "follows up"]
OBJECTS = ["the child's care plan", "the risk assessment", "what happened and when", "the daily log",
           "the placement plan", "the child's views", "the outcome of the meeting", "the incident record",
           "any concern about the child's safety", "the handover notes", "the medicines record",
           "the plan with the child's social worker", "what the child has told us", "the agreed actions",
           "the support the child needs", "the contact arrangements", "the safety plan"]
WHEN = ["before the end of the shift", "on the same day", "within 24 hours", "at the next team meeting",
        "at each review", "straight away", "before the child goes out", "when the plan changes", "every month",
        "at handover", "after every incident", "as the care plan says", "when the child is ready"]
WHY = ["so that the child is safe", "so that everyone knows what to do", "so that nothing is missed",
       "so that the child's views are heard", "so that we can learn from it", "so that the plan stays current",
       "so that the placing authority is kept informed", "so that inspectors can see what we did",
       "so that the next shift can carry on", "because the regulations ask us to", "to keep the child settled"]
OPENERS = ["We want every child to feel safe, listened to and cared for.",
           "This section explains what staff do, and why.", "Children are at the centre of everything we do.",
           "Read this part with the child's care plan.", "If you are unsure, ask the shift leader.",
           "We work in partnership with the placing authority and the child's family.",
           "Good records help us to keep children safe.", "The child's wishes and feelings matter."]
HEADINGS = ["Purpose of this policy", "Who this policy is for", "What the law says", "Our approach",
            "What staff do", "Who does what", "Working with the child", "Working with families",
            "Working with other agencies", "Recording", "Training and support for staff", "Monitoring and review",
            "When things go wrong", "Keeping children safe", "Planning ahead", "Day-to-day practice",
            "Information sharing", "Children's views", "Checks and audits", "Related guidance"]
SUBHEADINGS = ["In an emergency", "Out of hours", "At handover", "After an incident", "For new staff",
               "When a child disagrees", "When the plan changes", "Records to keep"]
STEP_VERBS = ["Check", "Tell", "Record", "Call", "Agree", "Review", "Explain", "Ask", "Write down", "Share"]
STEP_OBJECTS = ["that the child is safe and well", "the on-call manager", "what happened, with the time",
                "the child's social worker", "the next steps with the child", "the risk assessment",
                "the plan to the child in words they understand", "the child what they would like to happen",
                "who you told and when", "the record with the Registered Manager"]
MACROS = ["{{ home.name }}", "{{ home.contacts.emergency.phone }}", "{{ home.contacts.childline.phone }}",
          "{{ home.contacts.ofsted.phone }}", "{{ home.contacts.police_non_emergency.phone }}"]
SUMMARIES = ["What staff do about {topic}, who is responsible and what we record.",
             "How we keep children safe in relation to {topic}, and what staff must do.",
             "Our approach to {topic}: the steps staff follow, the records we keep and how we review them."]


@dataclass(frozen=True)
class Target:
    """A document another can link to: its file name in policies/ and its title."""
    file: str
    title: str


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def title_of(i: int) -> tuple[str, str]:
    """(title, kind) of synthetic document i: unique for i below len(TOPICS) * len(CONTEXTS)."""
    topic = TOPICS[i % len(TOPICS)]
    context = CONTEXTS[(i // len(TOPICS)) % len(CONTEXTS)]
    kind = "procedure" if (i // 7) % 3 == 0 else "policy"
    title = f"{topic} {kind} {context}".strip()
    if i >= len(TOPICS) * len(CONTEXTS):
        title += f" ({i // (len(TOPICS) * len(CONTEXTS)) + 1})"
    return title, kind


def file_of(i: int) -> str:
    return f"{slug(title_of(i)[0])}-{i:04d}.md"


def _sentence(rng: random.Random, macro_chance: float = 0.04) -> str:
    s = (f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}, "
         f"{rng.choice(WHY)}.")
    if rng.random() < macro_chance:
        s += f" Staff at {MACROS[0]} can call {rng.choice(MACROS[1:])} at any time."
    return s


def _paragraph(rng: random.Random, sentences: int) -> str:
    parts = [rng.choice(OPENERS)] if rng.random() < 0.4 else []
    parts += [_sentence(rng) for _ in range(sentences)]
    return " ".join(parts)


def _words(text: str) -> int:
    return len(text.split())


def body(i: int, topic: str, links: list[Target], target_words: int) -> str:
    rng = random.Random(f"handbook-bench-body-{i}")
    lower = topic[0].lower() + topic[1:]
    out = [f"This policy explains how staff at {MACROS[0]} handle {lower}. It is for every member of staff, "
           f"including agency and night staff. Children, parents, social workers and inspectors can also read it.", ""]
    related = ", ".join(f"[{t.title.lower()}]({t.file})" for t in links)
    out += ['!!! info "Related documents"',
            f"    Read this policy with our {related}. Our "
            "[Statement of Purpose](../statement-of-purpose/statement-of-purpose.md) describes the children we care for.",
            ""]
    headings = rng.sample(HEADINGS, len(HEADINGS))
    subheadings = iter(rng.sample(SUBHEADINGS, len(SUBHEADINGS)))  # no two headings of a page alike
    section = 0
    while _words("\n".join(out)) < target_words and section < len(headings):
        out += [f"## {headings[section]}", ""]
        out += [_paragraph(rng, rng.randint(3, 5)), ""]
        shape = section % 4
        if shape == 0:
            out += [f"{rng.choice(SUBJECTS)} makes sure that:", ""]
            out += [f"- {rng.choice(OBJECTS)} is up to date {rng.choice(WHEN)};" for _ in range(rng.randint(4, 6))]
            out += [""]
        elif shape == 1:
            out += ["Follow these steps in order.", ""]
            out += [f"{n}. **{rng.choice(STEP_VERBS)} {rng.choice(STEP_OBJECTS)}.** {_sentence(rng, 0.2)}"
                    for n in range(1, rng.randint(4, 6) + 1)]
            out += [""]
        elif shape == 2:
            out += ["| Role | What they do |", "|---|---|"]
            out += [f"| {rng.choice(SUBJECTS)} | {rng.choice(ACTIONS).capitalize()} {rng.choice(OBJECTS)} "
                    f"{rng.choice(WHEN)}. |" for _ in range(rng.randint(3, 5))]
            out += [""]
        else:
            out += [f"### {next(subheadings)}", "", _paragraph(rng, rng.randint(2, 4)), ""]
            out += ['!!! warning "Risk comes first"',
                    f"    If a child is at immediate risk, call {MACROS[1]} at once. {_sentence(rng, 0)}", ""]
        if links and rng.random() < 0.5:
            target = rng.choice(links)
            out += [f"See also our [{target.title.lower()}]({target.file}).", ""]
        section += 1
    return "\n".join(out)


def document(i: int, today: dt.date, registry_refs: list[str], roles: list[str], tags: list[str],
             earlier: list[Target]) -> tuple[str, str, str]:
    """(file name, title, text) of synthetic document i. `earlier` are documents it may link to."""
    rng = random.Random(f"handbook-bench-meta-{i}")
    title, kind = title_of(i)
    topic = TOPICS[i % len(TOPICS)]
    name = file_of(i)
    every = rng.choice([12, 12, 12, 24, 36, 6])
    # Reviewed at least 5 days ago and at least 75 days before it falls due: never overdue, never due soon.
    reviewed = today - dt.timedelta(days=rng.randint(5, max(6, every * 28 - 75)))
    n_changes = rng.randint(1, 4)
    change_dates = [reviewed] + [reviewed - dt.timedelta(days=rng.randint(60, 200) * k) for k in range(1, n_changes)]
    versions = [f"1.{n_changes - 1 - k}" for k in range(n_changes)]
    approver = rng.choice(roles)
    status = "draft" if i % 40 == 39 else ("retired" if i % 97 == 96 else "approved")
    regs = rng.sample(registry_refs, rng.randint(1, 4))
    audience = ["staff"] + rng.sample(["children", "families", "professionals", "inspectors"], rng.randint(1, 3))
    doc_tags = rng.sample(tags, rng.randint(1, 3))
    links = rng.sample(earlier, min(len(earlier), 3)) if earlier else []
    quote = lambda items: "[" + ", ".join(f'"{x}"' for x in items) + "]"  # noqa: E731
    lines = [
        "---", f"id: {name[:-3]}", f'title: "{title}"',
        f'summary: "{rng.choice(SUMMARIES).format(topic=topic.lower())}"', f"kind: {kind}", f"status: {status}",
        f'version: "{versions[0]}"', f"owner: {rng.choice(roles)}",
    ]
    lines += [f"last_reviewed: {reviewed.isoformat()}", f"review_every_months: {every}",
              f"regulations: {quote(regs)}", f"audience: [{', '.join(audience)}]",
              f"tags: [{', '.join(doc_tags)}]", "changes:"]
    for version, day in zip(versions, change_dates):
        summary = "First version." if version == "1.0" else rng.choice(
            ["Reviewed; no changes needed.", "Updated the contacts and the steps for staff.",
             "Reviewed after an incident; clearer recording section.", "New section on working with schools."])
        lines += [f'  - version: "{version}"', f"    date: {day.isoformat()}", f"    summary: {summary}"]
        if status != "draft" or version != versions[0]:  # every version approved the day it was made, but a draft's
            lines += [f"    approved_by: {approver}", f"    approved_on: {day.isoformat()}"]
    lines += ["---", "", body(i, topic, links, rng.randint(1120, 1300)), ""]
    return name, title, "\n".join(lines)
