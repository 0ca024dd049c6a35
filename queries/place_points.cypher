// name: place_points
// zh: 已标注经纬度的记录及其所在地(一行,六个对齐的列表;单位、阵地的所在地为其“位于”的地点,其余为自身),用于由成员的点推出区域轮廓
// scope: aligned ids
// en: Every record with coordinates and where it is (one row of six aligned lists; a unit's or station's place is where it is located, any other record's is itself), to derive area outlines from their members' points
MATCH (n)
WHERE (n:Community OR n:Compound OR n:CommercialBuilding OR n:Unit OR n:ServiceStation)
  AND n.lon IS NOT NULL AND n.lat IS NOT NULL
OPTIONAL MATCH (n)-[:LOCATED_IN]->(p)
WITH n, min(p.id) AS located
RETURN collect(n.id) AS ids, collect(labels(n)[0]) AS labels, collect(n.lon) AS lons, collect(n.lat) AS lats,
       collect(coalesce(located, n.id)) AS places, collect(coalesce(n.name, n.id)) AS names;
