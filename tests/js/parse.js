// parse.js: reads playlists with videojs' m3u8-parser and prints a summary of each, as JSON lines.
// usage: node parse.js FILE...
const fs = require('fs');
const { Parser } = require('m3u8-parser');

for (const file of process.argv.slice(2)) {
  const parser = new Parser();
  const warnings = [];
  parser.on('warn', (w) => warnings.push(w.message));
  parser.push(fs.readFileSync(file, 'utf8'));
  parser.end();
  const m = parser.manifest;
  const segs = m.segments || [];
  process.stdout.write(JSON.stringify({
    file,
    targetDuration: m.targetDuration,
    mediaSequence: m.mediaSequence,
    discontinuitySequence: m.discontinuitySequence,
    endList: !!m.endList,
    playlists: (m.playlists || []).length,
    segments: segs.length,
    discontinuities: segs.filter((s) => s.discontinuity).length,
    cueOut: segs.filter((s) => s.cueOut !== undefined).length,
    cueIn: segs.filter((s) => s.cueIn !== undefined).length,
    maps: segs.filter((s) => s.map).map((s) => s.map.uri).filter((u, i, a) => a.indexOf(u) === i),
    duration: Math.round(segs.reduce((t, s) => t + s.duration, 0) * 1000) / 1000,
    longest: Math.max(0, ...segs.map((s) => s.duration)),
    uris: segs.map((s) => s.uri),
    warnings,
  }) + '\n');
}
