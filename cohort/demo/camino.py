"""The demo's paths: the Camino Francés, Saint-Jean-Pied-de-Port to Santiago de Compostela,
a geographic path imported from the GPX file shipped in cohort/journeys/demo/ (its stage
towns are waypoints, so milestones), with a postcard for most towns; and a small
illustrated path drawn in pixel coordinates, as an organiser would over an image."""

from pathlib import Path

import cohort.journeys

CAMINO_GPX = Path(cohort.journeys.__file__).parent / "demo" / "camino-frances.gpx"
STEPS_PER_KM = 1312  # 2,112 steps a mile

CAMINO_POSTCARDS = {
    "Saint-Jean-Pied-de-Port": "Credencial stamped; the Pyrenees wait.",
    "Roncesvalles": "Over the Col de Lepoeder and down through beech woods.",
    "Pamplona": "The first city: walls, squares and San Fermín's streets.",
    "Puente la Reina": "Where the Camino's routes join at a Romanesque bridge.",
    "Estella": "A free glass at the Irache wine fountain.",
    "Logroño": "Rioja, and tapas along Calle Laurel.",
    "Nájera": "Red cliffs above the Najerilla river.",
    "Santo Domingo de la Calzada": "A cathedral that keeps live hens.",
    "Burgos": "A Gothic cathedral fit for El Cid.",
    "Castrojeriz": "A castle on the hill over the meseta.",
    "Frómista": "San Martín, a perfect Romanesque church.",
    "Carrión de los Condes": "A long straight road ahead.",
    "Sahagún": "Brick churches: halfway to Santiago.",
    "León": "Stained glass in a cathedral of light.",
    "Astorga": "Gaudí's palace and chocolate.",
    "Rabanal del Camino": "Climbing towards the Cruz de Ferro.",
    "Ponferrada": "The Templars' castle.",
    "Villafranca del Bierzo": "The Puerta del Perdón.",
    "O Cebreiro": "Into Galicia, among stone pallozas.",
    "Sarria": "The last 100 km begin here.",
    "Portomarín": "A town moved stone by stone above the reservoir.",
    "Palas de Rei": "Green hills and hórreos.",
    "Arzúa": "Cheese country.",
    "O Pedrouzo": "One more day through eucalyptus.",
    "Santiago de Compostela": "The Praza do Obradoiro. Buen Camino!",
}

ILLUSTRATED_PATH_NAME = "Lakeside Loop"
# An illustrated path: name, km from the start, and the point on a 1000 x 600 drawing.
LAKESIDE_MILESTONES = [
    ("Boathouse", 0, 120.0, 460.0, "Paddles stacked, the loop begins."),
    ("Reed Beds", 6, 260.0, 380.0, "Herons stand still as posts."),
    ("Old Mill", 14, 430.0, 300.0, "The wheel still turns on Sundays."),
    ("Pine Ridge", 23, 640.0, 200.0, "The whole lake below you."),
    ("Far Jetty", 31, 860.0, 260.0, "Halfway: a bench and a view."),
    ("Birch Cove", 42, 780.0, 450.0, "Quiet water, skimming stones."),
    ("Boathouse again", 52, 470.0, 520.0, "Round the lake and home."),
]
