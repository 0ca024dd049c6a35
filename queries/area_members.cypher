// name: area_members
// zh: 某区域(区、街道、社区或网格)内的地理单元、覆盖它们的党组织、位于其中的单位及其党组织和所签共建协议(一行,列表形式)
// en: Everything in an area (district, street, community or grid): its places, the orgs covering them, the units located in them with their orgs, and the agreements those orgs signed (one row of lists)
// param: area_id string -- 区域编号 / area id
MATCH (a)
WHERE (a:District OR a:Street OR a:Community OR a:Grid) AND a.id = $area_id
MATCH (a)<-[:PART_OF*0..5]-(g)  // from the area: ArcadeDB starts at the left node (workarounds #12; a street 0.96 -> 0.14 s)
WITH collect(DISTINCT g) AS places
CALL (places) {
  UNWIND places AS g
  MATCH (g)<-[:COVERS]-(o:PartyOrg)
  RETURN collect(DISTINCT o) AS orgs
}
CALL (places) {
  UNWIND places AS g
  MATCH (g)<-[:LOCATED_IN]-(u:Unit)
  OPTIONAL MATCH (u)-[:HAS_ORG]->(uo:PartyOrg)
  RETURN collect(DISTINCT u) AS units, collect(DISTINCT uo) AS unit_orgs
}
CALL (orgs, unit_orgs) {
  UNWIND orgs + unit_orgs AS o
  MATCH (o)<-[:SIGNED_BY]-(ag:Agreement)
  RETURN collect(DISTINCT ag) AS agreements
}
UNWIND places + orgs + units + unit_orgs + agreements AS n
WITH DISTINCT n
RETURN collect({eid: elementId(n), id: n.id, label: labels(n)[0], name: n.name, kind: n.kind}) AS members;
