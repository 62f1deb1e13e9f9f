// hls-splice.js: the peer for `make bench`: Eyevinn's hls-splice inserts one ad at one offset
// into every VOD of a list, from local files, writing each stitched master and media playlist
// under OUTDIR by the VOD's path, as ppv-splice stitch -o DIR does.
// usage: node hls-splice.js LIST AD-MASTER OFFSET-MS OUTDIR
const fs = require('fs');
const path = require('path');
const HLSSpliceVod = require('@eyevinn/hls-splice');

(async () => {
  const [list, ad, offset, outdir] = process.argv.slice(2);
  const adMedia = path.join(path.dirname(ad), 'media.m3u8');
  for (const master of fs.readFileSync(list, 'utf8').split('\n').filter(Boolean)) {
    const media = path.join(path.dirname(master), 'media.m3u8');
    const vod = new HLSSpliceVod(master);
    await vod.load(() => fs.createReadStream(master), () => fs.createReadStream(media));
    await vod.insertAdAt(Number(offset), ad, () => fs.createReadStream(ad), () => fs.createReadStream(adMedia));
    const bw = Object.keys(vod.playlists)[0];
    const dir = path.join(outdir, path.dirname(master));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'media.m3u8'), vod.getMediaManifest(bw));
    fs.writeFileSync(path.join(dir, 'master.m3u8'), vod.getMasterManifest());
  }
})().catch((e) => { console.error('hls-splice.js: ' + e.message); process.exit(2); });
