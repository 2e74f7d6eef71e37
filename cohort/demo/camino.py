"""The Camino Francés, Saint-Jean-Pied-de-Port to Santiago de Compostela, as demo data.

Distances are cumulative kilometres along the usual stages; map points are the towns'
longitude and latitude projected onto a 1000 x 600 map.
"""

from decimal import Decimal

CAMINO_TOWNS = [
    # name, km from start, longitude, latitude, postcard
    ("Saint-Jean-Pied-de-Port", 0, -1.24, 43.16, "Credencial stamped; the Pyrenees wait."),
    ("Roncesvalles", 25, -1.32, 43.01, "Over the Col de Lepoeder and down through beech woods."),
    ("Pamplona", 68, -1.64, 42.82, "The first city: walls, squares and San Fermín's streets."),
    ("Puente la Reina", 92, -1.82, 42.67, "Where the Camino's routes join at a Romanesque bridge."),
    ("Estella", 114, -2.03, 42.67, "A free glass at the Irache wine fountain."),
    ("Logroño", 162, -2.45, 42.47, "Rioja, and tapas along Calle Laurel."),
    ("Nájera", 191, -2.73, 42.42, "Red cliffs above the Najerilla river."),
    ("Santo Domingo de la Calzada", 212, -2.95, 42.44, "A cathedral that keeps live hens."),
    ("Burgos", 280, -3.70, 42.34, "A Gothic cathedral fit for El Cid."),
    ("Castrojeriz", 320, -4.14, 42.29, "A castle on the hill over the meseta."),
    ("Frómista", 345, -4.41, 42.27, "San Martín, a perfect Romanesque church."),
    ("Carrión de los Condes", 364, -4.60, 42.34, "A long straight road ahead."),
    ("Sahagún", 404, -5.03, 42.37, "Brick churches: halfway to Santiago."),
    ("León", 459, -5.57, 42.60, "Stained glass in a cathedral of light."),
    ("Astorga", 506, -6.06, 42.46, "Gaudí's palace and chocolate."),
    ("Rabanal del Camino", 526, -6.28, 42.48, "Climbing towards the Cruz de Ferro."),
    ("Ponferrada", 558, -6.60, 42.55, "The Templars' castle."),
    ("Villafranca del Bierzo", 582, -6.81, 42.61, "The Puerta del Perdón."),
    ("O Cebreiro", 610, -7.04, 42.71, "Into Galicia, among stone pallozas."),
    ("Sarria", 650, -7.41, 42.78, "The last 100 km begin here."),
    ("Portomarín", 672, -7.62, 42.81, "A town moved stone by stone above the reservoir."),
    ("Palas de Rei", 697, -7.87, 42.87, "Green hills and hórreos."),
    ("Arzúa", 726, -8.16, 42.93, "Cheese country."),
    ("O Pedrouzo", 745, -8.36, 42.90, "One more day through eucalyptus."),
    ("Santiago de Compostela", 765, -8.54, 42.88, "The Praza do Obradoiro. Buen Camino!"),
]

MAP_WIDTH, MAP_HEIGHT = 1000, 600
STEPS_PER_KM = 1312  # 2,112 steps a mile


def project(longitude: float, latitude: float) -> tuple[float, float]:
    # Margins leave room for the start and end towns' labels.
    x = (longitude + 8.7) / 7.6 * (MAP_WIDTH - 260) + 110
    y = (43.25 - latitude) / 1.05 * (MAP_HEIGHT - 120) + 60
    return round(x, 1), round(y, 1)


def camino_milestones() -> list[dict]:
    return [
        {
            "order": order,
            "name": name,
            "distance": Decimal(km),
            "x": project(lon, lat)[0],
            "y": project(lon, lat)[1],
            "postcard": postcard,
        }
        for order, (name, km, lon, lat, postcard) in enumerate(CAMINO_TOWNS)
    ]
