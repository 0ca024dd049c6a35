// name: compounds_without_org
// zh: 没有小区党支部或楼栋党小组覆盖的小区(可按街道筛选)
// en: Compounds not covered by a compound branch or building group (optionally within one street)
// param: street_id string -- 街道编号,空字符串表示全部 / street id, empty for all
:param street_id => ''

MATCH (c:Compound)-[:PART_OF*1..2]->(:Community)-[:PART_OF]->(s:Street)
WHERE ($street_id = '' OR s.id = $street_id)
OPTIONAL MATCH (o:PartyOrg)-[:COVERS]->(c)
WHERE o.kind IN ['小区党支部', '楼栋党小组']
WITH c, s, count(o) AS orgs
WHERE orgs = 0
RETURN DISTINCT s.name AS street, c.id AS id, c.name AS compound
ORDER BY street, compound;
