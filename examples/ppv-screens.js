// ppv-screens.js: one network at a time per ticket, for examples/nginx-ppv.conf
// (Debian's libnginx-mod-http-js, njs 0.7).
//
// First wins: the network watching with a ticket keeps it while it keeps
// fetching; another network asking for the event's media segments with the
// same ticket is refused until the first has been silent for a lease
// ($ppv_screen_lease seconds, one segment). Last-wins would let whoever
// shares the ticket cut the buyer off mid-event, and two screens would take
// it from each other on every request; first-wins never interrupts the
// screen that is playing. A phone moving from Wi-Fi to 4G is the "other
// network" for at most one lease. Playlists and keys are served to anyone
// with the ticket (nothing plays without the segments), so a refused player
// keeps its playlist and retries only segments: hls.js retries a segment six
// times, backing off from 1 s, on a 503, and plays on.
//
// A network is the address's /24 for IPv4 (carrier NAT and a home router's
// DHCP change the last bits) and its /64 for IPv6, as ppv-mint --audit counts
// them; $ppv_screen_v4_prefix changes the IPv4 width.
//
// State is a file per ticket in $ppv_screen_dir, "NETWORK MILLISECONDS",
// replaced by rename: njs 0.7 has no shared memory across workers, and
// every worker sees the same file.
import fs from 'fs';

function v6prefix(addr) {
	var halves = addr.split('::');
	var head = halves[0] ? halves[0].split(':') : [];
	var tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
	var groups = head.slice();
	if (halves.length > 1)
		for (var i = head.length + tail.length; i < 8; i++)
			groups.push('0');
	groups = groups.concat(tail);
	return groups.slice(0, 4).map(function (g) { return parseInt(g || '0', 16).toString(16); }).join(':') + '::/64';
}

function network(addr, bits) {
	if (addr.indexOf(':') >= 0 && addr.indexOf('.') < 0)
		return v6prefix(addr);
	var v4 = addr.replace(/^::ffff:/, '').split('.').map(Number);
	var n = ((v4[0] << 24) | (v4[1] << 16) | (v4[2] << 8) | v4[3]) >>> 0;
	var mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
	n = (n & mask) >>> 0;
	return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.') + '/' + bits;
}

// "1" when this request may be served, "0" when another network holds the ticket
function screen(r) {
	var v = r.variables;
	var ticket = v.ppv_ticket || '';
	if (v.ppv_kind !== 'live' || !/^[0-9a-f]{16}$/.test(ticket))
		return '1';
	var lease = Number(v.ppv_screen_lease || 4) * 1000;
	var net = network(r.remoteAddress, Number(v.ppv_screen_v4_prefix || 24));
	var file = v.ppv_screen_dir + '/' + ticket;
	var now = Date.now();
	var holder = '', seen = 0;
	try {
		var s = fs.readFileSync(file, 'utf8').split(' ');
		holder = s[0];
		seen = Number(s[1]);
	} catch (e) {
		// no file: nobody holds the ticket
	}
	if (holder && holder !== net && now - seen < lease)
		return /\.(m3u8|key)$/.test(v.ppv_path || '') ? '1' : '0';
	// a write a second is enough to keep a lease of seconds
	if (holder !== net || now - seen >= 1000) {
		var tmp = file + '.' + process.pid;
		try {
			fs.writeFileSync(tmp, net + ' ' + now);
			fs.renameSync(tmp, file);
		} catch (e) {
			// a full disk or a missing directory must not take the event down
			r.error('ppv-screens: ' + file + ': ' + e.message);
		}
	}
	return '1';
}

export default { screen, network };
