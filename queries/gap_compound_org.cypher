// name: gap_compound_org
// zh: 覆盖规则·小区党组织覆盖:每个小区由小区党支部或楼栋党小组覆盖(一行一个小区,covered 为否即缺口)
// en: Coverage rule · compound org: every compound is covered by a compound branch or building group (one row per compound; covered false = gap)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (c:Compound)
OPTIONAL MATCH (c)<-[:COVERS]-(o:PartyOrg)
WHERE o.kind IN ['小区党支部', '楼栋党小组']
WITH c, count(o) AS direct
OPTIONAL MATCH (c)<-[:PART_OF]-(:Building)<-[:COVERS]-(g:PartyOrg {kind: '楼栋党小组'})
WITH c, direct, count(g) AS groups
RETURN c.id AS id, c.name AS name, c.id AS place, direct + groups > 0 AS covered,
       CASE WHEN direct + groups = 0 THEN 'no_branch' END AS reason, c.households AS detail
ORDER BY id;
