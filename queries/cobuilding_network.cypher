// name: cobuilding_network
// zh: 共驻共建网络:社区、党组织、单位与有效共建协议及其联结(签约、建有党组织、覆盖社区、双报到、位于社区、成员单位、纳入联合党支部),一行返回节点与边
// en: The co-building network: communities, party orgs, units and current agreements with their ties (signed by, has org, covers a community, dual reporting, located in a community, member of, covered by), as one row of nodes and edges
// param: as_of date -- 截至日期(只计当日有效的协议)/ as-of date (only agreements current on it count)
:param as_of => date()

// Nodes: every community and unit, and every org or current agreement with at least one tie.
// ArcadeDB 26.10 does not deduplicate a UNION inside CALL, so branches are UNION ALL + collect(DISTINCT).
CALL () {
  CALL () {
    MATCH (n:Community) RETURN n
    UNION ALL
    MATCH (n:Unit) RETURN n
    UNION ALL
    MATCH (a:Agreement)-[:SIGNED_BY]->(o:PartyOrg)
    WHERE a.signed <= $as_of AND (a.expires IS NULL OR a.expires >= $as_of)
      AND NOT coalesce(a.status, '履行中') IN ['已到期', '已终止']
    UNWIND [a, o] AS n
    RETURN n
    UNION ALL
    MATCH (:Unit)-[:HAS_ORG|COVERED_BY]->(n:PartyOrg) RETURN n
    UNION ALL
    MATCH (n:PartyOrg)-[:COVERS|REPORTS_TO]->(:Community) RETURN n
    UNION ALL
    MATCH (n:PartyOrg)-[:MEMBER_OF]-(:PartyOrg) RETURN n
  }
  WITH collect(DISTINCT n) AS members
  // 驻区单位 left blank: stationed when the unit has its own org and a place (the rules' stated derivation)
  RETURN [n IN members | {id: n.id, label: head(labels(n)), name: n.name, kind: n.kind,
          stationed: CASE WHEN n:Unit AND n.stationed IS NULL
                          THEN size([(n)-[:HAS_ORG]->(o) | o]) > 0 AND size([(n)-[:LOCATED_IN]->(p) | p]) > 0
                          ELSE n.stationed END}] AS nodes
}
// Edges in their stored direction; a unit located in a grid, compound, building or commercial building
// is tied to the community above it (PART_OF climbed up to 3 steps).
CALL () {
  CALL () {
    MATCH (x:Agreement)-[:SIGNED_BY]->(y:PartyOrg)
    WHERE x.signed <= $as_of AND (x.expires IS NULL OR x.expires >= $as_of)
      AND NOT coalesce(x.status, '履行中') IN ['已到期', '已终止']
    RETURN x, y, 'SIGNED_BY' AS type
    UNION ALL
    MATCH (x:Unit)-[:HAS_ORG]->(y:PartyOrg) RETURN x, y, 'HAS_ORG' AS type
    UNION ALL
    MATCH (x:PartyOrg)-[:COVERS]->(y:Community) RETURN x, y, 'COVERS' AS type
    UNION ALL
    MATCH (x:PartyOrg)-[:REPORTS_TO]->(y:Community) RETURN x, y, 'REPORTS_TO' AS type
    UNION ALL
    MATCH (x:PartyOrg)-[:MEMBER_OF]->(y:PartyOrg) RETURN x, y, 'MEMBER_OF' AS type
    UNION ALL
    MATCH (x:Unit)-[:COVERED_BY]->(y:PartyOrg) RETURN x, y, 'COVERED_BY' AS type
    UNION ALL
    MATCH (x:Unit)-[:LOCATED_IN]->()-[:PART_OF*0..3]->(y:Community) RETURN DISTINCT x, y, 'LOCATED_IN' AS type
  }
  RETURN collect({src: x.id, dst: y.id, type: type}) AS edges
}
RETURN nodes, edges;
