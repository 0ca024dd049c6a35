// name: units_agreement_no_reporting
// zh: 签了共建协议、但其党组织没有向任何社区报到(双报到)的单位
// en: Units whose org signed a co-building agreement but has not reported to any community (dual reporting)
MATCH (u:Unit)-[:HAS_ORG]->(o:PartyOrg)<-[:SIGNED_BY]-(a:Agreement)
OPTIONAL MATCH (o)-[:REPORTS_TO]->(c:Community)
WITH u, o, count(DISTINCT a) AS agreements, count(c) AS reports
WHERE reports = 0
RETURN u.id AS id, u.name AS unit, o.name AS org, agreements
ORDER BY id;
