"""The three reflective structures the portal starts with (seeded by a data migration;
the admin may edit them or add others)."""

DEFAULT_STRUCTURES = [
    {
        "slug": "free",
        "name": "Free text",
        "position": 1,
        "description": "Write in your own way, with no headings.",
        "guidance": "",
        "body": "",
    },
    {
        "slug": "gibbs",
        "name": "Gibbs' reflective cycle",
        "position": 2,
        "description": "Six stages, from what happened to what you will do next time.",
        "guidance": (
            "- **Description**: what happened?\n"
            "- **Feelings**: what were you thinking and feeling?\n"
            "- **Evaluation**: what was good and bad about the experience?\n"
            "- **Analysis**: what sense can you make of the situation?\n"
            "- **Conclusion**: what else could you have done?\n"
            "- **Action plan**: if it arose again, what would you do?\n\n"
            "Gibbs, G. (1988) *Learning by Doing: A guide to teaching and learning methods.* "
            "Oxford: Further Education Unit, Oxford Polytechnic."
        ),
        "body": (
            "## Description\n\n\n\n## Feelings\n\n\n\n## Evaluation\n\n\n\n"
            "## Analysis\n\n\n\n## Conclusion\n\n\n\n## Action plan\n\n"
        ),
    },
    {
        "slug": "what-so-what-now-what",
        "name": "What? So what? Now what?",
        "position": 3,
        "description": "Three questions: the event, what it means, what you will do.",
        "guidance": (
            "- **What?** Describe the event or learning.\n"
            "- **So what?** Why does it matter for you and for the people you work with?\n"
            "- **Now what?** What will you do differently, and what do you need to learn next?\n\n"
            "Rolfe, G., Freshwater, D. and Jasper, M. (2001) *Critical reflection for nursing "
            "and the helping professions: a user's guide.* Basingstoke: Palgrave Macmillan."
        ),
        "body": "## What?\n\n\n\n## So what?\n\n\n\n## Now what?\n\n",
    },
]


def seed_structures(template_model) -> None:
    """Create the default structures that are missing; never overwrite an admin's edits.

    Takes the model class so that the data migration can pass its historical model.
    """
    for data in DEFAULT_STRUCTURES:
        template_model.objects.get_or_create(slug=data["slug"], defaults=data)
