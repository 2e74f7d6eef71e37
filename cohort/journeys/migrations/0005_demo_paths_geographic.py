"""Paths the demo drew from coordinates become geographic; every other path stays
illustrated (the default the previous migration gave it) with its x/y untouched.

The demo's Camino Francés placed each milestone at its town's longitude/latitude projected
onto a 1000 x 600 map (cohort/demo/camino.py as it was); a path whose milestones all sit
where that projection puts a town of that name gets the towns' lat/lon back and a route
line through them, measured on the WGS84 ellipsoid. Nothing is deleted: x/y stay as they
were, so the reverse only forgets the lat/lon and the route.
"""

from itertools import accumulate

from django.db import migrations

# The towns' (longitude, latitude) the demo projected, copied here: a migration must not
# change when the demo does.
TOWNS = {
    "Saint-Jean-Pied-de-Port": (-1.24, 43.16),
    "Roncesvalles": (-1.32, 43.01),
    "Pamplona": (-1.64, 42.82),
    "Puente la Reina": (-1.82, 42.67),
    "Estella": (-2.03, 42.67),
    "Logroño": (-2.45, 42.47),
    "Nájera": (-2.73, 42.42),
    "Santo Domingo de la Calzada": (-2.95, 42.44),
    "Burgos": (-3.70, 42.34),
    "Castrojeriz": (-4.14, 42.29),
    "Frómista": (-4.41, 42.27),
    "Carrión de los Condes": (-4.60, 42.34),
    "Sahagún": (-5.03, 42.37),
    "León": (-5.57, 42.60),
    "Astorga": (-6.06, 42.46),
    "Rabanal del Camino": (-6.28, 42.48),
    "Ponferrada": (-6.60, 42.55),
    "Villafranca del Bierzo": (-6.81, 42.61),
    "O Cebreiro": (-7.04, 42.71),
    "Sarria": (-7.41, 42.78),
    "Portomarín": (-7.62, 42.81),
    "Palas de Rei": (-7.87, 42.87),
    "Arzúa": (-8.16, 42.93),
    "O Pedrouzo": (-8.36, 42.90),
    "Santiago de Compostela": (-8.54, 42.88),
}


def _projected(lon, lat):
    return (
        round((lon + 8.7) / 7.6 * (1000 - 260) + 110, 1),
        round((43.25 - lat) / 1.05 * (600 - 120) + 60, 1),
    )


def _from_coordinates(milestones) -> bool:
    if len(milestones) < 2:
        return False
    for m in milestones:
        town = TOWNS.get(m.name)
        if town is None or m.x is None or m.y is None:
            return False
        x, y = _projected(*town)
        if abs(m.x - x) > 0.11 or abs(m.y - y) > 0.11:
            return False
    return True


def forwards(apps, schema_editor):
    from pyproj import Geod

    Path = apps.get_model("journeys", "Path")
    PathRoute = apps.get_model("journeys", "PathRoute")
    Milestone = apps.get_model("journeys", "Milestone")
    for path in Path.objects.filter(route__isnull=True):
        milestones = list(Milestone.objects.filter(path=path).order_by("distance"))
        if not _from_coordinates(milestones):
            continue
        points = [TOWNS[m.name] for m in milestones]
        lons, lats = zip(*points, strict=True)
        segments = Geod(ellps="WGS84").line_lengths(lons, lats)
        route = PathRoute.objects.create(
            points=[list(p) for p in points], cumulative=list(accumulate(segments, initial=0.0))
        )
        for m in milestones:
            m.lon, m.lat = TOWNS[m.name]
        Milestone.objects.bulk_update(milestones, ["lat", "lon"])
        path.kind, path.route = "geographic", route
        path.save(update_fields=["kind", "route"])


def backwards(apps, schema_editor):
    Path = apps.get_model("journeys", "Path")
    PathRoute = apps.get_model("journeys", "PathRoute")
    Milestone = apps.get_model("journeys", "Milestone")
    # Only paths that kept their x/y go back: one imported later has none to draw with.
    Milestone.objects.filter(path__kind="geographic", x__isnull=False).update(lat=None, lon=None)
    Path.objects.filter(kind="geographic").exclude(milestones__x__isnull=True).update(
        kind="illustrated", route=None
    )
    PathRoute.objects.filter(path__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("journeys", "0004_path_kinds_and_routes")]

    operations = [migrations.RunPython(forwards, backwards)]
