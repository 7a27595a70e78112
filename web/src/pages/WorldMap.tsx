import { geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import land110m from 'world-atlas/land-110m.json';
import type { SignInMap } from '../types.ts';

/**
 * The sign-in world map, rendered offline as SVG: Natural Earth's land at
 * 1:110m (world-atlas, bundled) in d3-geo's Natural Earth projection; points
 * sized by their number of sign-ins (area proportional to the count);
 * impossible-travel pairs as great-circle lines. Loaded lazily (its own
 * chunk), so the console's first page does not carry the map.
 */

const WIDTH = 960;
const HEIGHT = 500;
const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
const LAND = feature(topology, topology.objects.land);
const projection = geoNaturalEarth1().fitExtent(
  [
    [4, 4],
    [WIDTH - 4, HEIGHT - 4],
  ],
  { type: 'Sphere' },
);
const path = geoPath(projection);
const SPHERE = path({ type: 'Sphere' }) ?? '';
const GRATICULE = path(geoGraticule10()) ?? '';
const LAND_PATH = path(LAND) ?? '';

export default function WorldMap({ data }: { data: SignInMap }) {
  const max = Math.max(1, ...data.points.map((p) => p.signIns));
  return (
    <svg className="world-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Map of sign-ins" data-testid="sign-in-map">
      <path d={SPHERE} className="map-sphere" />
      <path d={GRATICULE} className="map-graticule" />
      <path d={LAND_PATH} className="map-land" />
      {data.lines.map((l) => (
        <path
          key={`${l.alertId}-${l.from.time}`}
          className="map-travel"
          data-testid="map-travel-line"
          d={
            path({
              type: 'LineString',
              coordinates: [
                [l.from.lng, l.from.lat],
                [l.to.lng, l.to.lat],
              ],
            }) ?? ''
          }
        >
          <title>{`${l.user}: ${l.from.country ?? '?'} → ${l.to.country ?? '?'}${l.speedKmh === null ? '' : ` (${Math.round(l.speedKmh)} km/h)`}`}</title>
        </path>
      ))}
      {data.points.map((p) => {
        const xy = projection([p.lng, p.lat]);
        if (!xy) return null;
        const r = 3 + 17 * Math.sqrt(p.signIns / max);
        return (
          <circle key={`${p.lat},${p.lng}`} cx={xy[0]} cy={xy[1]} r={r} className="map-point" data-testid="map-point" data-sign-ins={p.signIns}>
            <title>{`${p.country ?? '?'} (${p.lat.toFixed(2)}, ${p.lng.toFixed(2)}): ${p.signIns} sign-in${p.signIns === 1 ? '' : 's'}, ${p.users} user${p.users === 1 ? '' : 's'}`}</title>
          </circle>
        );
      })}
    </svg>
  );
}
