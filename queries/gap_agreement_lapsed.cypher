// name: gap_agreement_lapsed
// zh: 覆盖规则·协议到期未续:到截至日期已过期、台账仍记为“履行中”的共建协议
// en: Coverage rule · lapsed agreements: agreements past their expiry on the as-of date still recorded as current
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (a:Agreement)
OPTIONAL MATCH (a)-[:SIGNED_BY]->(:PartyOrg)-[:COVERS]->(c:Community)
WITH a, min(c.id) AS community
OPTIONAL MATCH (a)-[:SIGNED_BY]->(:PartyOrg)-[:COVERS]->(x)
WITH a, community, min(x.id) AS covered_place
WITH a, coalesce(community, covered_place) AS place
WITH a, place, coalesce(a.expires < $as_of, false) AND coalesce(a.status, '履行中') = '履行中' AS unnoticed
RETURN a.id AS id, a.name AS name, place, NOT unnoticed AS covered,
       CASE WHEN unnoticed THEN 'lapsed_unnoticed' END AS reason, toString(a.expires) AS detail
ORDER BY id;
