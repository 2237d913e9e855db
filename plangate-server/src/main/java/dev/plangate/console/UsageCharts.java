package dev.plangate.console;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.plangate.metering.UsageHistory;
import dev.plangate.metering.UsageView;

/**
 * A customer page's usage charts, one per metered feature with a period, drawn from the
 * usage view (used, limit, projection) and one read of the daily usage history. A quota
 * that resets monthly or with the billing period is shown over its period, as usage so
 * far with its limit and the projection to the period's end; one that resets hourly or
 * daily is shown as its daily usage over the last 30 days. Each chart carries the same
 * figures as a table for those who do not see it.
 */
final class UsageCharts {

	static final int DAYS = 30;

	private UsageCharts() {
	}

	/**
	 * One day of a chart.
	 *
	 * @param used what the day used; absent for a day to come
	 * @param cumulative what the period used by the day's end; absent for a daily chart
	 * and for a day to come
	 * @param projected the projection's value at the day's end; absent where there is
	 * none
	 */
	record Day(Instant start, @Nullable Long used, @Nullable Long cumulative, @Nullable Long projected) {
	}

	/**
	 * @param cumulative over the period (usage so far), else daily over the last 30 days
	 */
	record Chart(String feature, String name, @Nullable String unit, boolean cumulative, @Nullable Long limit,
			@Nullable Long projected, @Nullable String projection, List<Day> days, Map<String, Object> data) {

		/** What the chart shows, for those who do not see it. */
		public String label() {
			if (!cumulative) {
				return name + " used per day, last " + DAYS + " days"
						+ (limit == null ? "" : ", against a daily limit of " + limit);
			}
			return name + " used so far this period" + (limit == null ? "" : ", against a limit of " + limit)
					+ (projected == null ? "" : ", projected to " + projected + " at its end");
		}
	}

	/** Where the history must start to hold every chart's days. */
	static Instant historyStart(UsageView usage, Instant now) {
		var start = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DAYS - 1));
		for (var q : usage.quotas()) {
			if (isOverPeriod(q)) {
				var periodStart = q.periodStart().truncatedTo(ChronoUnit.DAYS);
				if (periodStart.isBefore(start)) {
					start = periodStart;
				}
			}
		}
		return start;
	}

	static List<Chart> of(UsageView usage, UsageHistory history, Instant now) {
		var daily = new HashMap<String, Map<Instant, Long>>();
		for (var series : history.series()) {
			var byDay = new HashMap<Instant, Long>();
			series.buckets().forEach(b -> byDay.put(b.start(), b.amount()));
			daily.put(series.feature(), byDay);
		}
		var charts = new ArrayList<Chart>();
		for (var q : usage.quotas()) {
			if (q.periodEnd() == null) {
				continue;
			}
			var days = daily.getOrDefault(q.feature(), Map.of());
			charts.add(isOverPeriod(q) ? overPeriod(q, days, now) : lastDays(q, days, now));
		}
		return charts;
	}

	/** A quota whose period is longer than a day. */
	private static boolean isOverPeriod(UsageView.QuotaUsage q) {
		return q.periodEnd() != null
				&& Duration.between(q.periodStart(), q.periodEnd()).compareTo(Duration.ofDays(1)) > 0;
	}

	private static Chart overPeriod(UsageView.QuotaUsage q, Map<Instant, Long> amounts, Instant now) {
		var first = q.periodStart().truncatedTo(ChronoUnit.DAYS);
		var end = q.periodEnd();
		var today = now.truncatedTo(ChronoUnit.DAYS);
		var list = new ArrayList<Day>();
		long sum = 0;
		int todayIndex = -1;
		for (var day = first; day.isBefore(end); day = day.plus(Duration.ofDays(1))) {
			if (!day.isAfter(today)) {
				long used = amounts.getOrDefault(day, 0L);
				sum += used;
				// the last day shows what the period used, as the table above says it
				long cumulative = day.equals(today) ? q.used() : sum;
				list.add(new Day(day, used, cumulative, null));
				todayIndex = list.size() - 1;
			}
			else {
				list.add(new Day(day, null, null, null));
			}
		}
		var projected = q.projection() == null ? null : q.projected();
		if (projected != null && todayIndex >= 0 && list.size() > todayIndex + 1) {
			// a straight line from what is used today to the projection at the period's
			// end
			long from = q.used();
			int steps = list.size() - 1 - todayIndex;
			for (int i = todayIndex; i < list.size(); i++) {
				var d = list.get(i);
				long value = from + Math.round((double) (projected - from) * (i - todayIndex) / steps);
				list.set(i, new Day(d.start(), d.used(), d.cumulative(), value));
			}
		}
		return chart(q, true, projected, list);
	}

	private static Chart lastDays(UsageView.QuotaUsage q, Map<Instant, Long> amounts, Instant now) {
		var first = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DAYS - 1));
		var list = new ArrayList<Day>();
		for (int i = 0; i < DAYS; i++) {
			var day = first.plus(Duration.ofDays(i));
			list.add(new Day(day, amounts.getOrDefault(day, 0L), null, null));
		}
		return chart(q, false, null, list);
	}

	private static Chart chart(UsageView.QuotaUsage q, boolean cumulative, @Nullable Long projected, List<Day> days) {
		// a daily limit compares with a day's usage; an hourly one with none of the bars
		Long limit = q.unlimited() || (!cumulative && !"day".equals(q.period())) ? null : q.limit();
		var data = new LinkedHashMap<String, Object>();
		data.put("name", q.name());
		data.put("unit", q.unit());
		data.put("cumulative", cumulative);
		data.put("labels", days.stream().map(d -> d.start().toString().substring(0, 10)).toList());
		data.put("used", days.stream().map(d -> cumulative ? d.cumulative() : d.used()).toList());
		data.put("limit", limit);
		data.put("projected", days.stream().map(Day::projected).toList());
		var method = q.projection() == null ? null : q.projection().method();
		return new Chart(q.feature(), q.name(), q.unit(), cumulative, limit, projected, method, days, data);
	}

}
