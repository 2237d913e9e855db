package dev.plangate.console;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

import dev.plangate.enforcement.DecisionStats;
import dev.plangate.subscription.CustomerGrowthStats;
import tools.jackson.databind.json.JsonMapper;

/**
 * The overview's trends: the last 24 hours' decisions and refusals, and sign-ups and
 * churn of the last 12 weeks or months, the same figures as
 * {@code GET /v1/admin/stats/decisions} and {@code GET /v1/admin/stats/customers}, with
 * the charts' data.
 */
@Component
class OverviewTrends {

	/** How many refusal rows (feature and code) the overview lists. */
	static final int TOP_REFUSALS = 10;

	private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM yyyy").withZone(ZoneOffset.UTC);

	private final DecisionStats decisions;

	private final CustomerGrowthStats growth;

	private final JsonMapper json;

	OverviewTrends(DecisionStats decisions, CustomerGrowthStats growth, JsonMapper json) {
		this.decisions = decisions;
		this.growth = growth;
		this.json = json;
	}

	/** A feature's refusals of one code, for the table of top refusals. */
	record Refusal(String feature, String code, long count) {
	}

	/** One bucket of a chart, labelled. */
	record Labelled<T>(String label, T bucket) {
	}

	/**
	 * Adds the trends to the page's model.
	 * @param growthBy {@code month} for months; anything else is weeks
	 */
	void addTo(Model model, String growthBy) {
		var last24Hours = decisions.of(null, null, "hour", null);
		var hours = last24Hours.buckets().stream().map(b -> new Labelled<>(HOUR.format(b.start()), b)).toList();
		model.addAttribute("decisions", last24Hours);
		model.addAttribute("decisionHours", hours);
		model.addAttribute("topRefusals", topRefusals(last24Hours));
		var labels = new ArrayList<String>();
		var series = new LinkedHashMap<String, List<Long>>();
		series.put("allowed", new ArrayList<>());
		series.put("refused", new ArrayList<>());
		for (var hour : hours) {
			labels.add(hour.label());
			series.get("allowed").add(hour.bucket().allowed());
			series.get("refused").add(hour.bucket().refused() + hour.bucket().errors());
		}
		model.addAttribute("decisionsChart", json.writeValueAsString(Map.of("labels", labels, "series", series)));

		boolean months = "month".equals(growthBy);
		var figures = growth.of(null, null, months ? "month" : "week");
		var format = months ? MONTH : DAY;
		var buckets = figures.buckets().stream().map(b -> new Labelled<>(format.format(b.start()), b)).toList();
		model.addAttribute("growth", figures);
		model.addAttribute("growthBuckets", buckets);
		model.addAttribute("growthByMonth", months);
		var growthLabels = new ArrayList<String>();
		var growthSeries = new LinkedHashMap<String, List<Long>>();
		for (var name : List.of("newCustomers", "newPaidSubscriptions", "churnedSubscriptions", "net")) {
			growthSeries.put(name, new ArrayList<>());
		}
		for (var b : buckets) {
			growthLabels.add(b.label());
			growthSeries.get("newCustomers").add(b.bucket().newCustomers());
			growthSeries.get("newPaidSubscriptions").add(b.bucket().newPaidSubscriptions());
			growthSeries.get("churnedSubscriptions").add(b.bucket().churnedSubscriptions());
			growthSeries.get("net").add(b.bucket().net());
		}
		model.addAttribute("growthChart",
				json.writeValueAsString(Map.of("labels", growthLabels, "series", growthSeries)));
	}

	/** The most frequent refusals (and errors) by feature and code, most first. */
	private static List<Refusal> topRefusals(DecisionStats.DecisionFigures figures) {
		var all = new ArrayList<Refusal>();
		for (var feature : figures.features()) {
			for (var code : feature.refusals()) {
				all.add(new Refusal(feature.feature(), code.code(), code.count()));
			}
		}
		all.sort((a, b) -> b.count() != a.count() ? Long.compare(b.count(), a.count())
				: (a.feature() + a.code()).compareTo(b.feature() + b.code()));
		return all.size() > TOP_REFUSALS ? List.copyOf(all.subList(0, TOP_REFUSALS)) : all;
	}

}
