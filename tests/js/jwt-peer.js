// The JWT libraries of Node as ppv-mint's peers: sign a token with one and
// print it, or verify one and print its claims (exit 1 when it fails).
// usage: node jwt-peer.js sign jose|jsonwebtoken ALG KEY.pem KID CLAIMS-JSON
//        node jwt-peer.js verify jose|jsonwebtoken ALG KEY.pub TOKEN
const fs = require('fs');
const crypto = require('crypto');
const jose = require('jose');
const jsonwebtoken = require('jsonwebtoken');

(async () => {
	const [op, lib, alg, keyfile, a, b] = process.argv.slice(2);
	const pem = fs.readFileSync(keyfile, 'utf8');
	if (op === 'sign') {
		const claims = JSON.parse(b);
		const key = crypto.createPrivateKey(pem);
		if (lib === 'jose')
			process.stdout.write(await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: a, typ: 'JWT' }).sign(key) + '\n');
		else
			process.stdout.write(jsonwebtoken.sign(claims, key, { algorithm: alg, keyid: a, noTimestamp: true }) + '\n');
		return;
	}
	const key = crypto.createPublicKey(pem);
	if (lib === 'jose') {
		const { payload } = await jose.jwtVerify(a, key, { algorithms: [alg] });
		process.stdout.write(JSON.stringify(payload) + '\n');
	} else {
		process.stdout.write(JSON.stringify(jsonwebtoken.verify(a, key, { algorithms: [alg] })) + '\n');
	}
})().catch((e) => { console.error(e.message); process.exit(1); });
