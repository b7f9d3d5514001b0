"""The default course: the four Cleaner Production Assessment (CPA) modules of the Lao
programme, each followed by an in-plant visit, with the evaluation questions asked after every
module.

Source: Viet Nam Cleaner Production Center, *Final report of the project "Promotion of cleaner
industrial production in the Lao People's Democratic Republic" US/LAO/03/049*, submitted to
UNIDO, 30 June 2008, section 2.1 (the contents of modules 1 to 3) and 2.2 (the in-plant
assessments that followed each module). The report was written after module 3: the topics of
module 4 are not in it. Those given here complete the CPA methodology's cycle as the report's
section 2.2 describes it (implemented options, monitored results) and are marked as such in
the course's description; a centre should check them against its own programme.

The course is made by :func:`create_default_course` — called by the course list's button
"Start the four-module CPA course" (for the user's organisation) and by the demo loader — not
by a data migration: a course belongs to the organisation that runs it, which a fresh
platform does not have yet. Its texts stay in English (the language of the source); a centre
translates its copy.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

TITLE = "Cleaner Production Assessment: the four-module course"

DESCRIPTION = (
    "The in-depth training of the Lao Cleaner Production programme (UNIDO project "
    "US/LAO/03/049, 2007): four in-class modules that teach every step of a Cleaner "
    "Production Assessment, each followed by an in-plant visit in which groups of trainees "
    "apply the step at a demonstration plant (in the programme: a steel rod mill, a soft "
    "drink plant, a furniture maker and an agro-processor) and present their work at the next "
    "module. Trainees evaluate every module. Delivered in 2007 by the project's chief "
    "technical adviser with experts of the Viet Nam Cleaner Production Centre (VNCPC).\n\n"
    "Source: VNCPC, final report of project US/LAO/03/049 to UNIDO, 30 June 2008. The report "
    "lists the contents of modules 1 to 3; the topics of module 4 complete the assessment "
    "cycle and are to be checked by the centre."
)

#: (number, title, topics) of each module.
MODULES: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "Cleaner Production and the assessment methodology: getting started",
        (
            "Cleaner Production introduction: concept and benefits",
            "The detailed CPA methodology, theory and exercises: baseline data collection",
            "Selection of the CPA focus",
            "Developing a detailed flow diagram",
            "Material balance",
            "Energy balance",
            "Introduction to steel production and food processing (soft drinks, agro-processing)",
            "Work plan for the in-plant assignment",
        ),
    ),
    (
        2,
        "Costs and causes of waste streams, and Cleaner Production options",
        (
            "Participants present their CPA assignment at their selected company",
            "Discussion of the results",
            "Identifying missing data",
            "CPA methodology (continued): assigning costs to waste streams",
            "Analysing the causes of waste streams",
            "Developing Cleaner Production options",
            "Energy efficiency",
        ),
    ),
    (
        3,
        "Feasibility of the options, cleaner technology and BAT",
        (
            "Participants present their CPA assignment at their selected company",
            "Discussion of the results",
            "CPA methodology (continued): technical feasibility study",
            "Financial feasibility study",
            "Environmental impacts study",
            "Cleaner technology in steel and food processing",
            "Best Available Technology (BAT) in the selected sectors",
            "The Clean Development Mechanism (CDM) and its links with Cleaner Production",
        ),
    ),
    (
        4,
        "Implementation, monitoring and sustaining Cleaner Production",
        (
            "Participants present their CPA assignment at their selected company",
            "Discussion of the results",
            "Implementing the selected options: simple, low-cost and high-cost options",
            "Monitoring and evaluating the results of the implemented options",
            "Sustaining Cleaner Production in the company",
            "Disseminating the results of the demonstration plants",
        ),
    ),
)

#: The evaluation questions asked after every module (1 = poor, 5 = excellent).
QUESTIONS: tuple[str, ...] = (
    "The objectives of the module were clear.",
    "The content was relevant to my work.",
    "The trainers explained the methodology clearly.",
    "The exercises and the in-plant visit helped me apply the methodology.",
    "The materials, the venue and the time were well organised.",
    "Overall, I am satisfied with this module.",
)


def create_default_course(organisation: Any, language: str = "en") -> Any:
    """Creates the four-module CPA course run by ``organisation``, with its modules, their
    topics and its evaluation questions, one record at a time (so that the audit trail logs
    each), in one transaction; returns the course."""
    from cleanprod.web.trainings.models import Course, Module, Question

    with transaction.atomic():
        course = Course.objects.create(
            title=TITLE, description=DESCRIPTION, organisation=organisation, language=language
        )
        for number, title, topics in MODULES:
            Module.objects.create(course=course, number=number, title=title, topics=list(topics))
        for number, text in enumerate(QUESTIONS, start=1):
            Question.objects.create(course=course, number=number, text=text)
    return course
