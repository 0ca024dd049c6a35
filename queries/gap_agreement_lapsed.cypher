// name: gap_agreement_lapsed
// zh: 覆盖规则·协议到期未续:到截至日期已过期、台账仍记为“履行中”或状态未填写的共建协议(未填到期日期的协议不会过期)
// en: Coverage rule · lapsed agreements: agreements past their expiry on the as-of date still recorded as current, or with no status recorded (one with no expiry recorded cannot lapse)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (a:Agreement)
WITH a, [(a)-[:SIGNED_BY]->(:PartyOrg)-[:COVERS]->(x) | [x.id, x:Community]] AS covered
WITH a, [x IN covered WHERE x[1] | x[0]] AS communities, [x IN covered | x[0]] AS places
WITH a, CASE WHEN size(communities) > 0 THEN communities ELSE places END AS places
WITH a, reduce(m = null, i IN places | CASE WHEN m IS NULL OR i < m THEN i ELSE m END) AS place,
     CASE WHEN NOT coalesce(a.expires < $as_of, false) THEN null
          WHEN a.status = '履行中' THEN 'lapsed_unnoticed'
          WHEN a.status IS NULL THEN 'lapsed_status_blank' END AS reason
RETURN a.id AS id, a.name AS name, place, reason IS NULL AS covered, reason, toString(a.expires) AS detail
ORDER BY id;
