-- An independent oracle for ppv-earnings, in SQL: per-creator gross, refunds,
-- fees, withholding and net, recomputed from the same events, fees and
-- withholding rules as tests/earnings.bats writes them (rates in tenths of a
-- percent), half-even per line item. Expects tables ev (the events CSV),
-- cr (the creators CSV) and params(start, end, waiver_end).
CREATE TEMP TABLE e AS
  SELECT DISTINCT event_id, CAST(time AS INTEGER) AS t, creator_id, kind,
         CAST(replace(amount, '.', '') AS INTEGER) AS amt, country, platform, ref_event_id
  FROM ev;

-- the rates that apply to a sale
CREATE TEMP VIEW rated AS
  SELECT e.*,
         CASE platform WHEN 'ios' THEN 300 WHEN 'android' THEN 150 ELSE 0 END AS sr,
         CASE WHEN kind = 'subscription' AND t < (SELECT waiver_end FROM params) THEN 0
              WHEN kind = 'ad' THEN 450 WHEN kind = 'tip' THEN 45 ELSE 200 END AS pr,
         CASE WHEN country = 'US' THEN
              CASE WHEN (SELECT tax_form FROM cr WHERE cr.creator_id = e.creator_id) = 'W-8BEN'
                   THEN 150 ELSE 300 END
              ELSE 0 END AS wr
  FROM e WHERE kind IN ('ticket', 'subscription', 'tip', 'ad');

-- x * r / 1000 rounded half to even, for x >= 0
CREATE TEMP VIEW inm AS SELECT * FROM e
  WHERE t >= (SELECT start FROM params) AND t < (SELECT "end" FROM params);

CREATE TEMP TABLE items AS
  WITH s1 AS (
    SELECT creator_id, amt AS g, 0 AS rf, sr, pr, wr, amt AS base, 1 AS sign FROM rated
      WHERE event_id IN (SELECT event_id FROM inm)
    UNION ALL
    SELECT r.creator_id, 0, r.amt, s.sr, s.pr, s.wr, r.amt, -1
      FROM inm r JOIN rated s ON s.event_id = r.ref_event_id
      WHERE r.kind IN ('refund', 'chargeback')
  ),
  s2 AS (SELECT *, base * sr / 1000 AS q, base * sr % 1000 AS m FROM s1),
  s3 AS (SELECT *, q + (2 * m > 1000 OR (2 * m = 1000 AND q % 2 = 1)) AS st FROM s2),
  s4 AS (SELECT *, (base - st) * pr / 1000 AS q2, (base - st) * pr % 1000 AS m2 FROM s3),
  s5 AS (SELECT *, q2 + (2 * m2 > 1000 OR (2 * m2 = 1000 AND q2 % 2 = 1)) AS pl FROM s4),
  s6 AS (SELECT *, (base - st - pl) * wr / 1000 AS q3, (base - st - pl) * wr % 1000 AS m3 FROM s5),
  s7 AS (SELECT *, q3 + (2 * m3 > 1000 OR (2 * m3 = 1000 AND q3 % 2 = 1)) AS wh FROM s6)
  SELECT creator_id, g, rf, sign * st AS st, sign * pl AS pl, sign * wh AS wh,
         sign * (base - st - pl - wh) AS net FROM s7
  UNION ALL
  SELECT creator_id, amt, 0, 0, 0, 0, amt FROM inm WHERE kind = 'adjustment';

.mode csv
.headers off
SELECT creator_id, sum(g), sum(rf), sum(st), sum(pl), sum(wh), sum(net)
  FROM items GROUP BY creator_id ORDER BY creator_id;
