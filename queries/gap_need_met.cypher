// name: gap_need_met
// zh: 覆盖规则·需求对接:每条需求已有项目满足、已完成,或同一街道内有同类资源(按类别分组匹配;状态未填写的视为未完成;类别未填写或所在街道无法确定的分列原因)
// en: Coverage rule · needs met: every need has a project, is done, or has a resource of its category group in the same street (a blank status is not done; a blank category or an unknown street is its own reason)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (n:Need)
OPTIONAL MATCH (n)-[:RAISED_BY]->(r)
OPTIONAL MATCH (r)-[:COVERS]->(rc)
WITH n, coalesce(rc, r) AS g
OPTIONAL MATCH (g)-[:PART_OF*0..4]->(s:Street)
WITH n, min(g.id) AS place, min(s.id) AS street
OPTIONAL MATCH (n)<-[:FULFILLS]-(p:Project)
WITH n, place, street, count(p) AS projects
WITH street, collect({need: n, place: place, projects: projects}) AS here
WITH collect({street: street, here: here}) AS groups
CALL (groups) {
  CALL (groups) {
    WITH [g IN groups WHERE g.street IS NOT NULL | g.street] AS streets
    WITH streets WHERE size(streets) <= 20
    UNWIND streets AS street
    MATCH (:Street {id: street})<-[:PART_OF*0..5]-()<-[:LOCATED_IN|COVERS]-(provider)
    WITH DISTINCT street, provider
    OPTIONAL MATCH (provider)<-[:OFFERED_BY]-(own:Resource)
    WHERE NOT (provider)<-[:HAS_ORG]-(:Unit)
    OPTIONAL MATCH (provider:Unit)-[:HAS_ORG]->(:PartyOrg)<-[:OFFERED_BY]-(via:Resource)
    WITH street, collect(own.category) + collect(via.category) AS categories
    RETURN street, categories
    UNION
    WITH [g IN groups WHERE g.street IS NOT NULL | g.street] AS streets
    WITH streets WHERE size(streets) > 20
    MATCH (res:Resource)-[:OFFERED_BY]->(p)
    OPTIONAL MATCH (p)<-[:HAS_ORG]-(pu:Unit)
    WITH streets, res, coalesce(pu, p) AS provider
    MATCH (provider)-[:LOCATED_IN|COVERS]->()-[:PART_OF*0..5]->(s:Street)
    WHERE s.id IN streets
    WITH s.id AS street, collect(res.category) AS categories
    RETURN street, categories
  }
  RETURN collect({street: street, categories: categories}) AS offers
}
UNWIND groups AS g
WITH g, head([o IN offers WHERE o.street = g.street | o.categories]) AS categories
UNWIND g.here AS x
WITH x.need AS n, x.place AS place, g.street AS street, x.projects > 0 AS projects,
     coalesce(x.need.category IN categories, false) AS nearby
WITH n, place, street, projects OR coalesce(n.status = '已完成', false) OR nearby AS covered
RETURN n.id AS id, n.name AS name, place, covered,
       CASE WHEN covered THEN null
            WHEN n.category IS NULL THEN 'category_not_recorded'
            WHEN street IS NULL THEN 'street_unknown'
            ELSE 'no_resource_in_street' END AS reason, n.category AS detail
ORDER BY id;
