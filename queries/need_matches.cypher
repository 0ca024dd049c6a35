// name: need_matches
// zh: 三张清单匹配:为一条需求找同类资源,同一街道的在前,再按关系跳数由近到远
// en: Needs matching: resources of a need's category, those in the same street first, then by hops through ties
// param: need_id string -- 需求编号 / need id
// param: limit integer -- 返回条数上限 / maximum rows
:param limit => 10

MATCH (n:Need {id: $need_id})
OPTIONAL MATCH (n)-[:RAISED_BY]->(r)
OPTIONAL MATCH (r)-[:COVERS]->(rc)
WITH n, coalesce(rc, r) AS g
OPTIONAL MATCH (g)-[:PART_OF*0..4]->(s:Street)
WITH n, min(s.id) AS street
MATCH (res:Resource)-[:OFFERED_BY]->(p)
WHERE res.category = n.category
OPTIONAL MATCH (p)<-[:HAS_ORG]-(pu:Unit)
WITH n, street, res, p, coalesce(pu, p) AS provider
OPTIONAL MATCH (provider)-[:LOCATED_IN|COVERS]->()-[:PART_OF*0..5]->(rs:Street)
WITH n, street, res, p, min(rs.id) AS res_street
WITH n, res, p, res_street, street IS NOT NULL AND res_street = street AS same_street
ORDER BY same_street DESC, res.id
LIMIT 50
OPTIONAL MATCH route = shortestPath((n)-[*..8]-(res))
RETURN res.id AS id, res.name AS resource, p.name AS provider, res.capacity AS capacity, same_street,
       length(route) AS hops
ORDER BY same_street DESC, hops IS NULL, hops, id
LIMIT $limit;
