// name: gap_red_property
// zh: 覆盖规则·红色物业:服务小区的物业企业建有党组织或纳入联合党组织
// en: Coverage rule · red property: a property company managing a compound has its own org or is in a joint one
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (u:Unit)-[:MANAGES]->(k:Compound)
WITH u, count(k) AS compounds, min(k.id) AS managed
OPTIONAL MATCH (u)-[r:HAS_ORG|COVERED_BY]->(:PartyOrg)
WITH u, compounds, managed, count(r) AS orgs
OPTIONAL MATCH (u)-[:LOCATED_IN]->(p)
WITH u, compounds, orgs, managed, min(p.id) AS located
WITH u, compounds, orgs, coalesce(located, managed) AS place
RETURN u.id AS id, u.name AS name, place, orgs > 0 AS covered,
       CASE WHEN orgs = 0 THEN 'no_org' END AS reason, compounds AS detail
ORDER BY id;
