// name: service_stations_within
// zh: 经纬度落在给定经纬度范围内的党群服务阵地(一行,列表形式:编号、名称、经度、纬度),服务覆盖规则据此按直线距离找最近的阵地
// en: Service stations whose coordinates lie within a longitude/latitude box (one row of lists: id, name, longitude, latitude), from which the service-circle rule finds the nearest by straight-line distance
// param: west float -- 西界经度 / western longitude
// param: east float -- 东界经度 / eastern longitude
// param: south float -- 南界纬度 / southern latitude
// param: north float -- 北界纬度 / northern latitude
:param west => 73.0
:param east => 135.5
:param south => 3.5
:param north => 54.0

MATCH (s:ServiceStation)
WHERE s.lon >= $west AND s.lon <= $east AND s.lat >= $south AND s.lat <= $north
RETURN collect([s.id, s.name, s.lon, s.lat]) AS stations;
