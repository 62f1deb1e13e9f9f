// The peer of ppv-earnings in make bench: DuckDB (@duckdb/node-api) doing the
// equivalent work on the same file: events deduplicated by event_id, the
// month's sales, store and platform fees by the same rules, per-creator sums.
// usage: node duckdb-earnings.js EVENTS.csv[.gz] START END WAIVER_END THREADS
const { DuckDBInstance } = require('@duckdb/node-api');

(async () => {
	const [file, start, end, waiver, threads] = process.argv.slice(2);
	const db = await DuckDBInstance.create(':memory:', { threads: String(threads || 2) });
	const con = await db.connect();
	const cols = "{'event_id':'VARCHAR','time':'BIGINT','creator_id':'VARCHAR','kind':'VARCHAR'," +
		"'amount':'DECIMAL(18,3)','currency':'VARCHAR','country':'VARCHAR','viewer_id':'VARCHAR'," +
		"'platform':'VARCHAR','ref_event_id':'VARCHAR'}";
	const sql = `
		WITH e AS (SELECT DISTINCT ON (event_id) * FROM read_csv('${file}', header = true, columns = ${cols})),
		m AS (SELECT creator_id, currency, amount AS g,
			CASE platform WHEN 'ios' THEN 0.30 WHEN 'android' THEN 0.15 ELSE 0 END AS sr,
			CASE WHEN kind = 'subscription' AND time < ${waiver} THEN 0 WHEN kind = 'ad' THEN 0.45
			     WHEN kind = 'tip' THEN 0.045 ELSE 0.20 END AS pr
			FROM e WHERE time >= ${start} AND time < ${end} AND kind IN ('ticket', 'subscription', 'tip', 'ad')),
		s AS (SELECT *, round(g * sr, 2) AS st FROM m),
		p AS (SELECT *, round((g - st) * pr, 2) AS pl FROM s)
		SELECT creator_id, currency, sum(g) AS gross, sum(st) AS store, sum(pl) AS platform, sum(g - st - pl) AS net
		FROM p GROUP BY creator_id, currency ORDER BY creator_id`;
	const r = await con.runAndReadAll(sql);
	const rows = r.getRows();
	for (const row of rows)
		process.stdout.write(row.map(String).join(',') + '\n');
})().catch((e) => { console.error(e.message); process.exit(2); });
