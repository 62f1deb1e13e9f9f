// AWS's CloudFront signer (@aws-sdk/cloudfront-signer) as ppv-mint's peer:
// prints the signed URL, or the cookies a line each, for the same inputs.
// usage: node cloudfront-peer.js url|cookies KEY.pem KEY-PAIR-ID URL EXPIRES [START] [IP] [SHA1|SHA256] [RESOURCE]
const fs = require('fs');
const { getSignedUrl, getSignedCookies } = require('@aws-sdk/cloudfront-signer');

const [what, keyfile, keyPairId, url, expires, start, ip, alg, resource] = process.argv.slice(2);
const args = {
	url, keyPairId, privateKey: fs.readFileSync(keyfile, 'utf8'),
	dateLessThan: new Date(Number(expires) * 1000).toISOString(),
	algorithm: alg || 'SHA1',
};
if (start) args.dateGreaterThan = new Date(Number(start) * 1000).toISOString();
if (ip) args.ipAddress = ip;
if (resource) {
	// a wildcard resource is a custom policy, written as the SDK documents it
	const c = { DateLessThan: { 'AWS:EpochTime': Number(expires) } };
	if (start) c.DateGreaterThan = { 'AWS:EpochTime': Number(start) };
	if (ip) c.IpAddress = { 'AWS:SourceIp': ip.includes('/') ? ip : ip + '/32' };
	args.policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: c }] });
	delete args.dateLessThan; delete args.dateGreaterThan; delete args.ipAddress;
}
if (what === 'url') {
	process.stdout.write(getSignedUrl(args) + '\n');
} else {
	for (const [k, v] of Object.entries(getSignedCookies(args)))
		process.stdout.write(`${k}=${v}\n`);
}
