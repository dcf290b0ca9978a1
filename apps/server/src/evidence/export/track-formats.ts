import type { ReceivedFix } from '@sightline/protocol';

const iso = (ms: number) => new Date(ms).toISOString();
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The location track as GPX 1.1: one track segment, each fix a point with its time and elevation. */
export function toGpx(name: string, track: ReceivedFix[]): string {
  const points = track
    .map(
      (f) =>
        `      <trkpt lat="${f.lat}" lon="${f.lon}">${f.altitude === null ? '' : `<ele>${f.altitude}</ele>`}<time>${iso(f.fixTime)}</time>` +
        `<hdop>${(f.accuracy / 5).toFixed(1)}</hdop><extensions><accuracy_m>${f.accuracy}</accuracy_m></extensions></trkpt>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Sightline" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>${esc(name)}</name></metadata>
  <trk>
    <name>${esc(name)}</name>
    <trkseg>
${points}
    </trkseg>
  </trk>
</gpx>
`;
}

/** The location track as KML 2.2: the path as a LineString plus a timestamped placemark per fix. */
export function toKml(name: string, track: ReceivedFix[]): string {
  const coords = track
    .map((f) => `${f.lon},${f.lat}${f.altitude === null ? '' : `,${f.altitude}`}`)
    .join(' ');
  const marks = track
    .map(
      (f, i) =>
        `    <Placemark><name>Fix ${i + 1}</name><TimeStamp><when>${iso(f.fixTime)}</when></TimeStamp>` +
        `<description>accuracy ${f.accuracy} m</description><Point><coordinates>${f.lon},${f.lat}</coordinates></Point></Placemark>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>${esc(name)}</name>
    <Placemark><name>Path</name><LineString><tessellate>1</tessellate><coordinates>${coords}</coordinates></LineString></Placemark>
${marks}
  </Document>
</kml>
`;
}
