// name: area_children
// zh: 某地理单元的下级单元及其党组织覆盖数
// en: Child areas of an area, with how many party organizations cover each
// param: area_id string -- 地理单元编号(区、街道、社区、网格……)/ area id
MATCH (child)-[:PART_OF]->(area {id: $area_id})
OPTIONAL MATCH (org:PartyOrg)-[:COVERS]->(child)
RETURN labels(child)[0] AS label, child.id AS id, child.name AS name, count(org) AS covering_orgs
ORDER BY label, name;
