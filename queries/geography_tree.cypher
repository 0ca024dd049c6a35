// name: geography_tree
// zh: 全部地理单元及其上级(一行,列表形式),用于把缺口归到区 › 街道 › 社区 › 网格
// en: Every geography node with its parent (one row of lists), to place gaps in district › street › community › grid
MATCH (a)
WHERE a:District OR a:Street OR a:Community OR a:Grid OR a:Compound OR a:Building OR a:CommercialZone
   OR a:CommercialBuilding
OPTIONAL MATCH (a)-[:PART_OF]->(p)
RETURN collect([a.id, labels(a)[0], a.name, p.id]) AS places;
