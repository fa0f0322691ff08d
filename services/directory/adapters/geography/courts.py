"""Approximate coordinates (WGS84 latitude, longitude) of Scotland's 39 sheriff courts.

Facts recorded in our own words: each is the centre of the court's town (or the court building
where it is well known), rounded to about 0.005 degrees, i.e. within roughly half a kilometre.
That precision suits "within N miles" searches; it is not a street address.
"""

from __future__ import annotations

COURT_COORDINATES: dict[str, tuple[float, float]] = {
    "aberdeen": (57.149, -2.094),
    "airdrie": (55.866, -3.981),
    "alloa": (56.115, -3.793),
    "ayr": (55.462, -4.629),
    "banff": (57.665, -2.523),
    "campbeltown": (55.425, -5.605),
    "dumbarton": (55.943, -4.565),
    "dumfries": (55.070, -3.610),
    "dundee": (56.462, -2.972),
    "dunfermline": (56.072, -3.462),
    "dunoon": (55.948, -4.924),
    "edinburgh": (55.949, -3.192),
    "elgin": (57.649, -3.318),
    "falkirk": (56.002, -3.784),
    "forfar": (56.644, -2.888),
    "fort-william": (56.820, -5.106),
    "glasgow": (55.852, -4.260),
    "greenock": (55.948, -4.760),
    "hamilton": (55.777, -4.040),
    "inverness": (57.477, -4.225),
    "jedburgh": (55.478, -2.554),
    "kilmarnock": (55.611, -4.496),
    "kirkcaldy": (56.111, -3.160),
    "kirkwall": (58.982, -2.960),
    "lanark": (55.674, -3.780),
    "lerwick": (60.155, -1.145),
    "livingston": (55.885, -3.517),
    "lochmaddy": (57.597, -7.162),
    "oban": (56.415, -5.471),
    "paisley": (55.845, -4.424),
    "perth": (56.395, -3.431),
    "peterhead": (57.505, -1.784),
    "portree": (57.413, -6.195),
    "selkirk": (55.548, -2.839),
    "stirling": (56.119, -3.940),
    "stornoway": (58.209, -6.387),
    "stranraer": (54.903, -5.025),
    "tain": (57.811, -4.055),
    "wick": (58.439, -3.093),
}
