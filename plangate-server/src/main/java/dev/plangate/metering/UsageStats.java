package dev.plangate.metering;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Timestamps;
import dev.plangate.subscription.SubscriptionService;

/**
 * Platform analytics for operators: what {@code /v1/admin/stats/usage} answers, summed
 * from the hourly usage rollups.
 */
@Service
public class UsageStats {

	/** The longest range one answer covers. */
	static final Duration MAX_RANGE = Duration.ofDays(366);

	/** The range when {@code from} is absent: this long before {@code to}. */
	static final Duration DEFAULT_RANGE = Duration.ofDays(30);

	private final UsageStatsRepository repository;

	private final CatalogService catalog;

	private final SubscriptionService subscriptions;

	private final Clock clock;

	UsageStats(UsageStatsRepository repository, CatalogService catalog, SubscriptionService subscriptions,
			Clock clock) {
		this.repository = repository;
		this.catalog = catalog;
		this.subscriptions = subscriptions;
		this.clock = clock;
	}

	/**
	 * Usage in {@code [from, to)}: per quota feature (or the one {@code feature} names)
	 * its total, growth against the range of equal length before and top customers; per
	 * plan its customers by status and its usage.
	 * @param from ISO-8601 instant or UTC date; absent: 30 days before {@code to}
	 * @param to ISO-8601 instant or UTC date, exclusive; absent: now
	 * @param limit how many top customers per feature
	 * @throws PlangateException {@code invalid_request} for bad dates, {@code from} not
	 * before {@code to}, a range longer than 366 days, an unknown feature or one that is
	 * not a quota
	 */
	public Stats of(@Nullable String feature, @Nullable String from, @Nullable String to, int limit) {
		var errors = new ArrayList<FieldError>();
		var end = Timestamps.parse("to", to, errors);
		var start = Timestamps.parse("from", from, errors);
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		var rangeEnd = end == null ? clock.instant() : end;
		var rangeStart = start == null ? rangeEnd.minus(DEFAULT_RANGE) : start;
		if (!rangeStart.isBefore(rangeEnd)) {
			throw invalid(List.of(new FieldError(start == null ? "to" : "from",
					start == null ? "must be after the default start, 30 days before it" : "must be before 'to'")));
		}
		var length = Duration.between(rangeStart, rangeEnd);
		if (length.compareTo(MAX_RANGE) > 0) {
			throw invalid(
					List.of(new FieldError("from", "the range is longer than 366 days, the most one answer covers")));
		}
		var previousStart = rangeStart.minus(length);
		var features = new LinkedHashMap<String, Feature>();
		if (feature != null) {
			var known = catalog.findFeature(feature)
				.orElseThrow(() -> invalid(List.of(new FieldError("feature", "unknown feature '" + feature + "'"))));
			if (known.kind() != FeatureKind.QUOTA) {
				throw invalid(List.of(new FieldError("feature", "'" + feature + "' is not a quota feature")));
			}
			features.put(known.key(), known);
		}
		else {
			catalog.features()
				.stream()
				.filter(f -> f.kind() == FeatureKind.QUOTA)
				.forEach(f -> features.put(f.key(), f));
		}
		var totals = new TreeMap<String, UsageStatsRepository.FeatureTotal>();
		repository.totals(feature, previousStart, rangeStart, rangeEnd).forEach(t -> totals.put(t.feature(), t));
		var top = new LinkedHashMap<String, List<TopCustomer>>();
		for (var row : repository.top(feature, rangeStart, rangeEnd, limit)) {
			top.computeIfAbsent(row.feature(), key -> new ArrayList<>())
				.add(new TopCustomer(row.customerId(), row.total(), row.plan()));
		}
		var featureStats = new ArrayList<FeatureStats>();
		features.values().forEach(f -> {
			var t = totals.get(f.key());
			long total = t == null ? 0 : t.total();
			long previous = t == null ? 0 : t.previousTotal();
			featureStats.add(new FeatureStats(f.key(), f.unit(), total, t == null ? 0 : t.customers(),
					growth(total, previous), top.getOrDefault(f.key(), List.of())));
		});
		var plans = new TreeMap<String, PlanStats>();
		for (var count : subscriptions.countByPlanAndStatus()) {
			plans.computeIfAbsent(count.plan(), PlanStats::empty).customers().put(count.status(), count.customers());
		}
		for (var row : repository.byPlan(feature, rangeStart, rangeEnd)) {
			if (features.containsKey(row.feature())) {
				plans.computeIfAbsent(row.plan(), PlanStats::empty)
					.usage()
					.put(row.feature(), new PlanUsage(row.total(), row.customers()));
			}
		}
		var planStats = new ArrayList<PlanStats>();
		plans.values()
			.forEach(p -> planStats.add(new PlanStats(p.plan(),
					p.customers().values().stream().mapToLong(Long::longValue).sum(), p.customers(), p.usage())));
		return new Stats(rangeStart, rangeEnd, previousStart, featureStats, planStats);
	}

	private static Growth growth(long total, long previous) {
		return new Growth(previous, total - previous,
				previous == 0 ? null : Math.round(1000.0 * (total - previous) / previous) / 10.0);
	}

	private static PlangateException invalid(List<FieldError> errors) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, errors.get(0).field() + " " + errors.get(0).message(),
				errors);
	}

	/**
	 * Usage across customers.
	 *
	 * @param from the range's start
	 * @param to the range's end (exclusive)
	 * @param previousFrom the start of the range of equal length before, growth is
	 * measured against
	 */
	public record Stats(Instant from, Instant to, Instant previousFrom, List<FeatureStats> features,
			List<PlanStats> plans) {
	}

	/**
	 * One feature's usage in the range.
	 *
	 * @param customers how many customers used it
	 * @param top the customers who used the most, most first
	 */
	public record FeatureStats(String feature, @Nullable String unit, long total, long customers, Growth growth,
			List<TopCustomer> top) {
	}

	/**
	 * @param previousTotal the total of the range of equal length before
	 * @param absolute {@code total} minus {@code previousTotal}
	 * @param percent {@code absolute} in percent of {@code previousTotal}; absent when
	 * that is 0
	 */
	public record Growth(long previousTotal, long absolute, @Nullable Double percent) {
	}

	/**
	 * One of the customers who used a feature most.
	 *
	 * @param plan the customer's current plan
	 */
	public record TopCustomer(String customerId, long total, @Nullable String plan) {
	}

	/**
	 * One plan's customers and their usage.
	 *
	 * @param customerCount its customers (not deleted), whatever their status
	 * @param customers its customers by subscription status
	 * @param usage by feature: the range's usage of its current customers
	 */
	public record PlanStats(String plan, long customerCount, Map<String, Long> customers,
			Map<String, PlanUsage> usage) {

		static PlanStats empty(String plan) {
			return new PlanStats(plan, 0, new TreeMap<>(), new TreeMap<>());
		}
	}

	/**
	 * A plan's usage of one feature.
	 *
	 * @param customers how many of the plan's customers used the feature
	 */
	public record PlanUsage(long total, long customers) {
	}

}
