// name: gap_commercial_building_org
// zh: 覆盖规则·楼宇商圈党建覆盖:每栋商务楼宇由楼宇党委或商圈党委覆盖(商圈党委须覆盖到该楼宇,只覆盖商圈不算)
// en: Coverage rule · commercial buildings: each is covered by a building committee or a zone committee that covers the building itself (covering only the zone does not count)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (b:CommercialBuilding)
OPTIONAL MATCH (b)<-[:COVERS]-(o:PartyOrg)
WHERE o.kind IN ['楼宇党委', '商圈综合党委', '商圈联合党委']
WITH b, count(o) AS committees
RETURN b.id AS id, b.name AS name, b.id AS place, committees > 0 AS covered,
       CASE WHEN committees = 0 THEN 'no_building_org' END AS reason, b.tenants AS detail
ORDER BY id;
