// name: linkage_paths
// zh: 两个对象之间的全部最短联结路径(不分方向,最多8跳),以中文链条显示,箭头为关系的存储方向
// scope: strict
// en: Every shortest linkage path between two entities (either direction, at most 8 hops), as a Chinese chain with arrows in the stored direction
// param: from_id string -- 起点编号 / start id
// param: to_id string -- 终点编号 / end id
// param: max_paths integer -- 返回路径条数上限 / maximum paths returned
:param from_id => 'O10'
:param to_id => 'K01'
:param max_paths => 10

// Relationship names: the `zh` of each type in orggraph/schema.yaml (a test keeps them equal).
// Labels and hop limits cannot be parameters: change 8 below for a longer search (each hop costs).
MATCH (a) WHERE a.id = $from_id
MATCH (b) WHERE b.id = $to_id AND b <> a
MATCH p = allShortestPaths((a)-[*..8]-(b))
WITH p, [n IN nodes(p) | CASE WHEN n:Person THEN n.id ELSE n.name END] AS names,
     {PART_OF: '隶属', LEADS: '领导', COVERS: '覆盖', MEMBER_OF: '成员单位', HAS_ORG: '建有党组织',
      COVERED_BY: '纳入联合党组织', LOCATED_IN: '位于', MANAGES: '物业服务', SIGNED_BY: '签约方',
      UNDER: '依托协议', COMMITTED_BY: '承诺方', RAISED_BY: '提出方', OFFERED_BY: '提供方', FULFILLS: '满足需求',
      USES: '使用资源', REPORTS_TO: '双报到', HOLDS_POST: '任职', WORKS_AT: '工作单位', GUIDES: '党建工作指导',
      REPRESENTS: '业委会所属小区', RUN_BY: '运营党组织'} AS zh
WITH p, names, reduce(chain = names[0], i IN range(0, length(p) - 1) |
       chain + CASE WHEN startNode(relationships(p)[i]) = nodes(p)[i]
                    THEN ' —' + zh[type(relationships(p)[i])] + '→ '
                    ELSE ' ←' + zh[type(relationships(p)[i])] + '— ' END + names[i + 1]) AS chain
RETURN length(p) AS hops, chain, [n IN nodes(p) | n.id] AS ids
ORDER BY hops, ids
LIMIT $max_paths;
