// name: gap_service_circle
// zh: 覆盖规则·服务覆盖:每个小区在党群服务阵地的步行半径内(一行一个小区及其经纬度;有经纬度的小区是否覆盖由分析层按直线距离判定,见 coverage_rules.yaml)
// en: Coverage rule · service circle: every compound lies within a service station's walking radius (one row per compound with its coordinates; for a located compound the analysis layer decides by straight-line distance, see coverage_rules.yaml)
// param: as_of date -- 截至日期(协议、任期按此日判断)/ as-of date (agreements and terms are judged on it)
:param as_of => date()

MATCH (c:Compound)
WITH c, c.lon IS NOT NULL AND c.lat IS NOT NULL AS located
RETURN c.id AS id, c.name AS name, c.id AS place, CASE WHEN located THEN null ELSE false END AS covered,
       CASE WHEN NOT located THEN 'location_not_recorded' END AS reason,
       CASE WHEN located THEN [c.lon, c.lat] END AS detail
ORDER BY id;
