package dev.plangate.metering;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Timestamps;

/**
 * The usage history of a customer: what {@code /v1/customers/{id}/usage/history} and
 * {@code /v1/me/usage/history} answer: hours read from the hourly rollups, days and
 * months summed from the daily ones, both of which the ledger writes with the events.
 */
@Service
public class UsageHistories {

	private final LedgerRepository ledger;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final Clock clock;

	UsageHistories(LedgerRepository ledger, CatalogService catalog, CustomerService customers, Clock clock) {
		this.ledger = ledger;
		this.catalog = catalog;
		this.customers = customers;
		this.clock = clock;
	}

	/**
	 * The size of a bucket, the most buckets one answer may hold, and how many it holds
	 * when {@code from} is absent.
	 */
	enum Granularity {

		HOUR(744, 24), DAY(1_096, 30), MONTH(120, 12);

		final int maxBuckets;

		final int defaultBuckets;

		Granularity(int maxBuckets, int defaultBuckets) {
			this.maxBuckets = maxBuckets;
			this.defaultBuckets = defaultBuckets;
		}

		String id() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** The start of the bucket holding {@code at}. */
		Instant floor(Instant at) {
			return switch (this) {
				case HOUR -> at.truncatedTo(ChronoUnit.HOURS);
				case DAY -> at.truncatedTo(ChronoUnit.DAYS);
				case MONTH -> at.atOffset(ZoneOffset.UTC)
					.toLocalDate()
					.withDayOfMonth(1)
					.atStartOfDay()
					.toInstant(ZoneOffset.UTC);
			};
		}

		/**
		 * The number of the bucket holding the instant {@code epochSecond} seconds after
		 * the epoch, counted from the epoch's: reckoned without time zones, as it is done
		 * for every rollup read.
		 */
		long ordinal(long epochSecond) {
			return switch (this) {
				case HOUR -> Math.floorDiv(epochSecond, 3_600);
				case DAY -> Math.floorDiv(epochSecond, 86_400);
				case MONTH -> {
					var date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400));
					yield date.getYear() * 12L + date.getMonthValue() - 1;
				}
			};
		}

		Instant plus(Instant start, long buckets) {
			return switch (this) {
				case HOUR -> start.plus(buckets, ChronoUnit.HOURS);
				case DAY -> start.plus(buckets, ChronoUnit.DAYS);
				case MONTH -> start.atOffset(ZoneOffset.UTC).plusMonths(buckets).toInstant();
			};
		}

		/** The end of the bucket holding the instant just before {@code at}. */
		Instant ceil(Instant at) {
			var floor = floor(at);
			return floor.equals(at) ? at : plus(floor, 1);
		}

		long between(Instant from, Instant to) {
			return switch (this) {
				case HOUR -> ChronoUnit.HOURS.between(from, to);
				case DAY -> ChronoUnit.DAYS.between(from, to);
				case MONTH -> ChronoUnit.MONTHS.between(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
			};
		}

	}

	/**
	 * A customer's usage per bucket, of one feature or (absent) every quota feature.
	 * @param customerId the customer
	 * @param feature a quota feature's key; absent for all
	 * @param from the first bucket holds it (ISO-8601 instant or UTC date); absent: as
	 * many buckets before {@code to} as the granularity shows by default
	 * @param to the last bucket holds the instant just before it (ISO-8601 instant or UTC
	 * date); absent: now
	 * @param granularity {@code hour}, {@code day} (absent) or {@code month}
	 * @return the history
	 * @throws PlangateException {@code invalid_request} for bad dates, an unknown
	 * granularity, {@code from} not before {@code to} or a range of more buckets than the
	 * granularity allows; {@code customer_not_found}; {@code feature_not_found}
	 */
	public UsageHistory of(String customerId, @Nullable String feature, @Nullable String from, @Nullable String to,
			@Nullable String granularity) {
		var errors = new ArrayList<FieldError>();
		var unit = granularity(granularity, errors);
		var end = Timestamps.parse("to", to, errors);
		var start = Timestamps.parse("from", from, errors);
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		if (start != null && end != null && !start.isBefore(end)) {
			throw invalid(List.of(new FieldError("from", "must be before 'to'")));
		}
		Instant first;
		Instant last;
		long buckets;
		try {
			last = unit.ceil(end == null ? clock.instant() : end);
			first = start == null ? unit.plus(last, -unit.defaultBuckets) : unit.floor(start);
			buckets = unit.between(first, last);
		}
		catch (DateTimeException | ArithmeticException ex) {
			throw tooLong(unit);
		}
		if (buckets > unit.maxBuckets) {
			throw tooLong(unit);
		}
		customers.get(customerId);
		var features = new LinkedHashMap<String, @Nullable String>();
		if (feature != null) {
			var known = catalog.feature(feature);
			features.put(known.key(), known.unit());
		}
		else {
			catalog.features()
				.stream()
				.filter(f -> f.kind() == FeatureKind.QUOTA)
				.forEach(f -> features.put(f.key(), f.unit()));
		}
		var starts = new ArrayList<Instant>();
		for (var at = first; at.isBefore(last); at = unit.plus(at, 1)) {
			starts.add(at);
		}
		var sums = new LinkedHashMap<String, long[][]>();
		features.keySet().forEach(key -> sums.put(key, new long[starts.size()][2]));
		var only = feature == null ? null : features.keySet().iterator().next();
		// hours from the hourly rollups; days and months, whose edges are days', from the
		// daily ones
		var rollups = unit == Granularity.HOUR ? ledger.rollups(customerId, only, first, last)
				: ledger.dailyRollups(customerId, only, first, last);
		long firstOrdinal = unit.ordinal(first.getEpochSecond());
		var current = "";
		var sumsOfFeature = new long[0][];
		for (var rollup : rollups) {
			// the rollups come in feature order: one look-up a feature
			if (!rollup.feature().equals(current)) {
				current = rollup.feature();
				sumsOfFeature = sums.computeIfAbsent(current, key -> new long[starts.size()][2]);
			}
			var bucket = sumsOfFeature[(int) (unit.ordinal(rollup.start().getEpochSecond()) - firstOrdinal)];
			bucket[0] += rollup.amount();
			bucket[1] += rollup.events();
		}
		var series = new ArrayList<UsageHistory.Series>();
		sums.forEach((key, values) -> {
			var list = new ArrayList<UsageHistory.Bucket>();
			long amount = 0;
			long events = 0;
			UsageHistory.Bucket peak = null;
			for (int i = 0; i < values.length; i++) {
				var bucket = new UsageHistory.Bucket(starts.get(i), values[i][0], values[i][1]);
				list.add(bucket);
				amount += values[i][0];
				events += values[i][1];
				if (bucket.amount() > 0 && (peak == null || bucket.amount() > peak.amount())) {
					peak = bucket;
				}
			}
			series.add(new UsageHistory.Series(key, features.get(key), amount, events, peak, list));
		});
		return new UsageHistory(customerId, unit.id(), first, last, series);
	}

	private static Granularity granularity(@Nullable String value, List<FieldError> errors) {
		if (value == null) {
			return Granularity.DAY;
		}
		for (var g : Granularity.values()) {
			if (g.id().equals(value)) {
				return g;
			}
		}
		errors.add(new FieldError("granularity", "must be hour, day or month"));
		return Granularity.DAY;
	}

	private static PlangateException tooLong(Granularity unit) {
		return invalid(List.of(new FieldError("from", "the range holds more than " + unit.maxBuckets + " " + unit.id()
				+ "s, the most one answer may hold; ask for a coarser granularity or a shorter range")));
	}

	private static PlangateException invalid(List<FieldError> errors) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, errors.get(0).field() + " " + errors.get(0).message(),
				errors);
	}

}
