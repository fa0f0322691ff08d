"""The community-justice taxonomy: service types, client groups and referral routes."""

from __future__ import annotations

from services.directory.adapters.tables.taxonomy import (
    CLIENT_GROUPS,
    REFERRAL_ROUTES,
    SERVICE_TYPES,
)

# taxonomy code -> (name, description, [(term code, term name, term description)])
TAXONOMIES: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    SERVICE_TYPES: (
        "Community justice service types",
        "Orders, requirements and supports a court or partner may use.",
        [
            (
                "cpo-unpaid-work",
                "CPO: unpaid work",
                "Community Payback Order unpaid work or other activity",
            ),
            (
                "cpo-supervision",
                "CPO: supervision",
                "Community Payback Order supervision requirement",
            ),
            ("cpo-programme", "CPO: programme", "Community Payback Order programme requirement"),
            ("cpo-conduct", "CPO: conduct", "Community Payback Order conduct requirement"),
            ("dtto", "Drug Treatment and Testing Order", "Drug Treatment and Testing Orders"),
            (
                "structured-deferred-sentence",
                "Structured Deferred Sentence",
                "Structured Deferred Sentences",
            ),
            ("bail-supervision", "Bail supervision", "Supervised bail as an alternative to remand"),
            (
                "electronically-monitored-bail",
                "Electronically monitored bail",
                "Bail with electronic monitoring",
            ),
            (
                "diversion-from-prosecution",
                "Diversion from prosecution",
                "Diversion from prosecution schemes",
            ),
            (
                "voluntary-throughcare",
                "Voluntary throughcare",
                "Support on release from short custodial sentences",
            ),
            ("restorative-justice", "Restorative justice", "Restorative justice services"),
            (
                "womens-services",
                "Women's services",
                "Services designed for women in the justice system",
            ),
            ("substance-use", "Substance use", "Alcohol and drug support"),
            ("mental-health", "Mental health", "Mental health support"),
            (
                "housing-on-release",
                "Housing on release",
                "Housing support for people leaving custody",
            ),
            ("employability", "Employability", "Training, skills and employment support"),
        ],
    ),
    CLIENT_GROUPS: (
        "Client groups",
        "Who a service is for.",
        [
            ("adults", "Adults", "People aged 18 and over"),
            ("young-people", "Young people", "People aged 16 to 25"),
            ("women", "Women", "Women"),
            ("men", "Men", "Men"),
            ("people-leaving-custody", "People leaving custody", "People leaving prison"),
            ("families", "Families", "Families of people in the justice system"),
            ("victims", "People harmed by crime", "People harmed by crime"),
        ],
    ),
    REFERRAL_ROUTES: (
        "Referral routes",
        "How a person reaches a service.",
        [
            ("court", "Court", "A court imposes or refers"),
            ("justice-social-work", "Justice social work", "Referral by justice social work"),
            ("self-referral", "Self-referral", "The person may refer themselves"),
        ],
    ),
}
