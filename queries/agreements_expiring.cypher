// name: agreements_expiring
// zh: 在截至日期后若干天内到期或已过期的共建协议
// en: Co-building agreements lapsing within some days of a date, or already lapsed
// param: as_of date -- 截至日期 / as-of date
// param: days integer -- 天数 / days ahead
:param as_of => date('2026-11-22')
:param days => 90

MATCH (a:Agreement)
WHERE a.expires IS NOT NULL AND a.expires <= $as_of + duration({days: $days})
OPTIONAL MATCH (a)-[:SIGNED_BY]->(o:PartyOrg)
WITH a, collect(o.name) AS parties
RETURN a.id AS id, a.name AS name, a.signed AS signed, a.expires AS expires,
       CASE WHEN a.expires < $as_of THEN '已过期' ELSE '即将到期' END AS state, parties
ORDER BY expires;
