"""The 32 council areas, their community justice partnerships and the sheriff courts (facts)."""

from __future__ import annotations

# (code, council name); CJ Ayrshire is one partnership for East, North and South Ayrshire.
LOCAL_AUTHORITIES: list[tuple[str, str]] = [
    ("aberdeen-city", "Aberdeen City"),
    ("aberdeenshire", "Aberdeenshire"),
    ("angus", "Angus"),
    ("argyll-and-bute", "Argyll and Bute"),
    ("clackmannanshire", "Clackmannanshire"),
    ("dumfries-and-galloway", "Dumfries and Galloway"),
    ("dundee-city", "Dundee City"),
    ("east-ayrshire", "East Ayrshire"),
    ("east-dunbartonshire", "East Dunbartonshire"),
    ("east-lothian", "East Lothian"),
    ("east-renfrewshire", "East Renfrewshire"),
    ("edinburgh", "City of Edinburgh"),
    ("falkirk", "Falkirk"),
    ("fife", "Fife"),
    ("glasgow-city", "Glasgow City"),
    ("highland", "Highland"),
    ("inverclyde", "Inverclyde"),
    ("midlothian", "Midlothian"),
    ("moray", "Moray"),
    ("na-h-eileanan-siar", "Na h-Eileanan Siar"),
    ("north-ayrshire", "North Ayrshire"),
    ("north-lanarkshire", "North Lanarkshire"),
    ("orkney-islands", "Orkney Islands"),
    ("perth-and-kinross", "Perth and Kinross"),
    ("renfrewshire", "Renfrewshire"),
    ("scottish-borders", "Scottish Borders"),
    ("shetland-islands", "Shetland Islands"),
    ("south-ayrshire", "South Ayrshire"),
    ("south-lanarkshire", "South Lanarkshire"),
    ("stirling", "Stirling"),
    ("west-dunbartonshire", "West Dunbartonshire"),
    ("west-lothian", "West Lothian"),
]

AYRSHIRE = ("community-justice-ayrshire", "Community Justice Ayrshire")
AYRSHIRE_AREAS = {"east-ayrshire", "north-ayrshire", "south-ayrshire"}


def partnership_of(code: str, name: str) -> tuple[str, str]:
    """The (code, name) of the partnership covering a council area."""
    if code in AYRSHIRE_AREAS:
        return AYRSHIRE
    return (f"{code}-cjp", f"{name} Community Justice Partnership")


# (slug, name, primary council area)
COURTS: list[tuple[str, str, str]] = [
    ("aberdeen", "Aberdeen Sheriff Court", "aberdeen-city"),
    ("airdrie", "Airdrie Sheriff Court", "north-lanarkshire"),
    ("alloa", "Alloa Sheriff Court", "clackmannanshire"),
    ("ayr", "Ayr Sheriff Court", "south-ayrshire"),
    ("banff", "Banff Sheriff Court", "aberdeenshire"),
    ("campbeltown", "Campbeltown Sheriff Court", "argyll-and-bute"),
    ("dumbarton", "Dumbarton Sheriff Court", "west-dunbartonshire"),
    ("dumfries", "Dumfries Sheriff Court", "dumfries-and-galloway"),
    ("dundee", "Dundee Sheriff Court", "dundee-city"),
    ("dunfermline", "Dunfermline Sheriff Court", "fife"),
    ("dunoon", "Dunoon Sheriff Court", "argyll-and-bute"),
    ("edinburgh", "Edinburgh Sheriff Court", "edinburgh"),
    ("elgin", "Elgin Sheriff Court", "moray"),
    ("falkirk", "Falkirk Sheriff Court", "falkirk"),
    ("forfar", "Forfar Sheriff Court", "angus"),
    ("fort-william", "Fort William Sheriff Court", "highland"),
    ("glasgow", "Glasgow Sheriff Court", "glasgow-city"),
    ("greenock", "Greenock Sheriff Court", "inverclyde"),
    ("hamilton", "Hamilton Sheriff Court", "south-lanarkshire"),
    ("inverness", "Inverness Sheriff Court", "highland"),
    ("jedburgh", "Jedburgh Sheriff Court", "scottish-borders"),
    ("kilmarnock", "Kilmarnock Sheriff Court", "east-ayrshire"),
    ("kirkcaldy", "Kirkcaldy Sheriff Court", "fife"),
    ("kirkwall", "Kirkwall Sheriff Court", "orkney-islands"),
    ("lanark", "Lanark Sheriff Court", "south-lanarkshire"),
    ("lerwick", "Lerwick Sheriff Court", "shetland-islands"),
    ("livingston", "Livingston Sheriff Court", "west-lothian"),
    ("lochmaddy", "Lochmaddy Sheriff Court", "na-h-eileanan-siar"),
    ("oban", "Oban Sheriff Court", "argyll-and-bute"),
    ("paisley", "Paisley Sheriff Court", "renfrewshire"),
    ("perth", "Perth Sheriff Court", "perth-and-kinross"),
    ("peterhead", "Peterhead Sheriff Court", "aberdeenshire"),
    ("portree", "Portree Sheriff Court", "highland"),
    ("selkirk", "Selkirk Sheriff Court", "scottish-borders"),
    ("stirling", "Stirling Sheriff Court", "stirling"),
    ("stornoway", "Stornoway Sheriff Court", "na-h-eileanan-siar"),
    ("stranraer", "Stranraer Sheriff Court", "dumfries-and-galloway"),
    ("tain", "Tain Sheriff Court", "highland"),
    ("wick", "Wick Sheriff Court", "highland"),
]
