// name: communities_without_agreement
// zh: 截至日期没有有效共建协议的社区(含曾签订但已全部到期的),及其最近一份协议的到期日
// en: Communities with no agreement current on the as-of date (including those whose agreements all lapsed), with the last expiry
// param: as_of date -- 截至日期 / as-of date
:param as_of => date()

MATCH (s:Street)<-[:PART_OF]-(c:Community)
OPTIONAL MATCH (c)<-[:COVERS]-(:PartyOrg)<-[:SIGNED_BY]-(a:Agreement)-[:SIGNED_BY]->(:PartyOrg)<-[:HAS_ORG]-(u:Unit)
WHERE u.stationed = true
WITH s, c, collect(DISTINCT a) AS agreements
WITH s, c, agreements,
     [a IN agreements WHERE a.signed <= $as_of AND (a.expires IS NULL OR a.expires >= $as_of)
                            AND NOT coalesce(a.status, '履行中') IN ['已到期', '已终止']] AS current
WHERE size(current) = 0
RETURN s.name AS street, c.id AS id, c.name AS community, size(agreements) AS ever_signed,
       reduce(last = null, a IN agreements | CASE WHEN last IS NULL OR a.expires > last THEN a.expires ELSE last END)
         AS last_expiry
ORDER BY street, id;
