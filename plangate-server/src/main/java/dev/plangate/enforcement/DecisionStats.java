package dev.plangate.enforcement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Timestamps;

/**
 * The platform's enforcement decisions over time, from every node's per-minute counts:
 * what {@code GET /v1/admin/stats/decisions} answers. The counts are at most
 * {@code plangate.decision-stats.flush-interval} behind.
 */
@Service
public class DecisionStats {

	/** The range when {@code from} is absent: this long before {@code to}. */
	static final Duration DEFAULT_RANGE = Duration.ofHours(24);

	/** A bucket's length. */
	public enum Granularity {

		MINUTE("minute", 60, Duration.ofHours(24)), HOUR("hour", 3600, Duration.ofDays(35));

		private final String id;

		private final int seconds;

		private final Duration maxRange;

		Granularity(String id, int seconds, Duration maxRange) {
			this.id = id;
			this.seconds = seconds;
			this.maxRange = maxRange;
		}

		public String id() {
			return id;
		}

	}

	private final DecisionCountRepository repository;

	private final CatalogService catalog;

	private final Clock clock;

	DecisionStats(DecisionCountRepository repository, CatalogService catalog, Clock clock) {
		this.repository = repository;
		this.catalog = catalog;
		this.clock = clock;
	}

	/**
	 * Decisions in {@code [from, to)}, widened to whole buckets.
	 * @param from ISO-8601 instant or UTC date; absent: 24 hours before {@code to}
	 * @param to ISO-8601 instant or UTC date, exclusive; absent: now
	 * @param granularity {@code minute} or {@code hour} (absent)
	 * @param feature one feature's decisions only; absent: all features
	 * @throws PlangateException {@code invalid_request} for bad dates, {@code from} not
	 * before {@code to}, an unknown granularity, a range longer than 24 hours by the
	 * minute or 35 days by the hour, or an unknown feature
	 */
	public DecisionFigures of(@Nullable String from, @Nullable String to, @Nullable String granularity,
			@Nullable String feature) {
		var errors = new ArrayList<FieldError>();
		var end = Timestamps.parse("to", to, errors);
		var start = Timestamps.parse("from", from, errors);
		Granularity unit = Granularity.HOUR;
		if (granularity != null) {
			unit = switch (granularity) {
				case "minute" -> Granularity.MINUTE;
				case "hour" -> Granularity.HOUR;
				default -> {
					errors.add(new FieldError("granularity", "must be 'minute' or 'hour'"));
					yield Granularity.HOUR;
				}
			};
		}
		if (feature != null && !feature.equals(DecisionMetrics.UNKNOWN_FEATURE)
				&& catalog.findFeature(feature).isEmpty()) {
			errors.add(new FieldError("feature", "unknown feature '" + feature + "'"));
		}
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		var rangeEnd = end == null ? clock.instant() : end;
		var rangeStart = start == null ? rangeEnd.minus(DEFAULT_RANGE) : start;
		if (!rangeStart.isBefore(rangeEnd)) {
			throw invalid(List.of(new FieldError(start == null ? "to" : "from",
					start == null ? "must be after the default start, 24 hours before it" : "must be before 'to'")));
		}
		long first = Math.floorDiv(rangeStart.getEpochSecond(), unit.seconds);
		long endSecond = rangeEnd.getEpochSecond() + (rangeEnd.getNano() > 0 ? 1 : 0);
		long last = Math.max(first, Math.floorDiv(endSecond - 1, unit.seconds));
		var alignedStart = Instant.ofEpochSecond(first * unit.seconds);
		var alignedEnd = Instant.ofEpochSecond((last + 1) * unit.seconds);
		if (Duration.between(rangeStart, rangeEnd).compareTo(unit.maxRange) > 0) {
			throw invalid(List.of(new FieldError("from",
					"the range is longer than " + (unit == Granularity.MINUTE ? "24 hours" : "35 days")
							+ ", the most one answer covers by the " + unit.id)));
		}
		int buckets = (int) (last - first + 1);
		var bucketTotals = new long[buckets][3];
		var bucketRefusals = new ArrayList<Map<String, Long>>();
		for (int i = 0; i < buckets; i++) {
			bucketRefusals.add(new TreeMap<>());
		}
		var features = new TreeMap<String, long[]>();
		var featureRefusals = new TreeMap<String, Map<String, Long>>();
		long[] totals = new long[4];
		for (var row : repository.sums(alignedStart, alignedEnd, unit.seconds, feature)) {
			int i = (int) (row.bucket() - first);
			if (i < 0 || i >= buckets) {
				continue;
			}
			int column = switch (row.outcome()) {
				case "allowed", "overage" -> 0;
				case "refused" -> 1;
				default -> 2;
			};
			bucketTotals[i][column] += row.count();
			totals[column] += row.count();
			var perFeature = features.computeIfAbsent(row.feature(), key -> new long[4]);
			perFeature[column] += row.count();
			if (row.outcome().equals("overage")) {
				perFeature[3] += row.count();
				totals[3] += row.count();
			}
			if (column != 0) {
				bucketRefusals.get(i).merge(row.code(), row.count(), Long::sum);
				featureRefusals.computeIfAbsent(row.feature(), key -> new TreeMap<>())
					.merge(row.code(), row.count(), Long::sum);
			}
		}
		var bucketList = new ArrayList<DecisionBucket>(buckets);
		for (int i = 0; i < buckets; i++) {
			bucketList.add(new DecisionBucket(Instant.ofEpochSecond((first + i) * unit.seconds), bucketTotals[i][0],
					bucketTotals[i][1], bucketTotals[i][2], bucketRefusals.get(i)));
		}
		var featureList = new ArrayList<FeatureDecisions>();
		features.forEach((key, counts) -> featureList.add(new FeatureDecisions(key, counts[0], counts[3], counts[1],
				counts[2], codes(featureRefusals.getOrDefault(key, Map.of())))));
		featureList.sort(Comparator.comparingLong((FeatureDecisions f) -> -(f.refused() + f.errors()))
			.thenComparing(FeatureDecisions::feature));
		return new DecisionFigures(alignedStart, alignedEnd, unit.id, feature, totals[0], totals[3], totals[1],
				totals[2], bucketList, featureList);
	}

	private static List<CodeCount> codes(Map<String, Long> counts) {
		var list = new ArrayList<CodeCount>();
		counts.forEach((code, count) -> list.add(new CodeCount(code, count)));
		list.sort(Comparator.comparingLong((CodeCount c) -> -c.count()).thenComparing(CodeCount::code));
		return list;
	}

	private static PlangateException invalid(List<FieldError> errors) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, errors.get(0).field() + " " + errors.get(0).message(),
				errors);
	}

	/**
	 * Decisions across nodes in a range.
	 *
	 * @param from the first bucket's start
	 * @param to the last bucket's end (exclusive)
	 * @param feature the one feature counted, when asked for
	 * @param allowed decisions that admitted, overage included
	 * @param overage decisions admitted as overage, beyond the allowance
	 * @param refused decisions refused (a {@code check} answering {@code allowed: false},
	 * a refused consume or lease)
	 * @param errors decisions that could not be made (a store unavailable)
	 * @param buckets every bucket of the range, oldest first, empty ones included
	 * @param features per feature that had decisions, most refused first
	 */
	public record DecisionFigures(Instant from, Instant to, String granularity, @Nullable String feature, long allowed,
			long overage, long refused, long errors, List<DecisionBucket> buckets, List<FeatureDecisions> features) {
	}

	/**
	 * One bucket's decisions.
	 *
	 * @param refusals refusals and errors by code
	 */
	public record DecisionBucket(Instant start, long allowed, long refused, long errors, Map<String, Long> refusals) {
	}

	/**
	 * One feature's decisions; a feature the catalog does not know is {@code unknown}.
	 *
	 * @param refusals refusals and errors by code, most first
	 */
	public record FeatureDecisions(String feature, long allowed, long overage, long refused, long errors,
			List<CodeCount> refusals) {
	}

	/** How many decisions ended with a code. */
	public record CodeCount(String code, long count) {
	}

}
