// name: geography_tree
// zh: 全部地理单元及其上级(一行,四个对齐的列表;无上级为空串),用于把缺口归到区 › 街道 › 社区 › 网格
// scope: aligned ids
// en: Every geography node with its parent (one row of four aligned lists; '' for no parent), to place gaps in district › street › community › grid
MATCH (a)
WHERE a:District OR a:Street OR a:Community OR a:Grid OR a:Compound OR a:Building OR a:CommercialZone
   OR a:CommercialBuilding
OPTIONAL MATCH (a)-[:PART_OF]->(p)
RETURN collect(a.id) AS ids, collect(labels(a)[0]) AS labels, collect(coalesce(a.name, '')) AS names,
       collect(coalesce(p.id, '')) AS parents;
