-- The alert history is kept for plangate.alerts.retention: the retention job finds the old
-- alerts by when they fired.
create index usage_alert_by_time on usage_alert (fired_at);
