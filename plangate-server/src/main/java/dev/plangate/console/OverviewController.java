package dev.plangate.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.plangate.batch.BatchQueue;
import dev.plangate.billing.RevenueStats;
import dev.plangate.metering.UsageStats;
import dev.plangate.subscription.SubscriptionStats;
import io.swagger.v3.oas.annotations.Hidden;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's first page: subscriptions per plan and status, the monthly recurring
 * revenue, and the last 30 days' usage per feature, the same figures as
 * {@code GET /v1/admin/stats/subscriptions} and {@code GET /v1/admin/stats/usage}; and
 * the batch queue, as {@code GET /v1/admin/stats/batches}, refreshed in place, and the
 * {@link OverviewTrends}. With Stripe taking the payments (or invoices mirrored from an
 * earlier time it did), the amounts invoiced and paid, as
 * {@code GET /v1/admin/stats/revenue}.
 */
@Controller
@Hidden
class OverviewController {

	/** The statuses the overview counts on its own: those of subscriptions that run. */
	static final List<String> RUNNING = List.of("active", "trialing", "past_due");

	private final SubscriptionStats subscriptions;

	private final UsageStats usage;

	private final JsonMapper json;

	private final BatchQueue batchQueue;

	private final OverviewTrends trends;

	private final RevenueStats revenue;

	OverviewController(SubscriptionStats subscriptions, UsageStats usage, JsonMapper json, BatchQueue batchQueue,
			OverviewTrends trends, RevenueStats revenue) {
		this.revenue = revenue;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.json = json;
		this.batchQueue = batchQueue;
		this.trends = trends;
	}

	@GetMapping({ "/console", "/console/" })
	String overview(Model model, @RequestParam(name = "growth", defaultValue = "week") String growthBy) {
		var stats = subscriptions.now();
		model.addAttribute("stats", stats);
		model.addAttribute("running", RUNNING);
		var others = new ArrayList<String>(stats.statuses().keySet());
		others.removeAll(RUNNING);
		model.addAttribute("others", others);
		model.addAttribute("usage", usage.of(null, null, null, 3));
		model.addAttribute("chart", json.writeValueAsString(chart(stats)));
		model.addAttribute("batchQueue", batchQueue.figures());
		trends.addTo(model, growthBy);
		var invoiced = revenue.now();
		if (invoiced.invoices() || invoiced.provider().equals("stripe")) {
			model.addAttribute("revenue", invoiced);
		}
		return "console/overview";
	}

	/** Subscriptions per plan, one series per running status, for the chart. */
	private static Map<String, Object> chart(SubscriptionStats.SubscriptionFigures stats) {
		var labels = new ArrayList<String>();
		var series = new LinkedHashMap<String, List<Long>>();
		RUNNING.forEach(status -> series.put(status, new ArrayList<>()));
		for (var plan : stats.plans()) {
			labels.add(plan.name());
			RUNNING.forEach(status -> series.get(status).add(plan.statuses().getOrDefault(status, 0L)));
		}
		return Map.of("labels", labels, "series", series);
	}

}
